/**
 * The event index and search (SPEC section 7): {@link io.phosor.search.EventIndex} keeps one Lucene
 * partition per UTC ingest day, indexes events from the journal exactly once, drops whole days past
 * retention, and answers Lucene-syntax searches (newest first, cursor paging) and time histograms.
 * See docs/search.md.
 */
package io.phosor.search;
