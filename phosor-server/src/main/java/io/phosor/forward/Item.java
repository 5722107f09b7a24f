package io.phosor.forward;

import io.phosor.event.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * One record to forward.
 *
 * @param kind event, alert or incident change
 * @param id its place in its stream (journal seq, alert id, timeline entry id): the destination's cursor moves to it
 * @param docId a stable unique id, the same on every attempt (the OpenSearch document id, so a retry overwrites)
 * @param time when it happened (event time, alert's last event, time of the change)
 * @param severity how bad it is
 * @param doc the JSON document, in the shape the API shows
 */
record Item(Kind kind, long id, String docId, Instant time, Severity severity, Map<String, Object> doc) {}
