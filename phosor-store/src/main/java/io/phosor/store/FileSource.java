package io.phosor.store;

import java.time.Instant;

/**
 * A log file added for tailing at run time.
 *
 * @param path the file's path as added (the server normalizes it)
 * @param addedBy who added it
 * @param addedAt when
 */
public record FileSource(String path, String addedBy, Instant addedAt) {}
