package io.phosor.ingest.file;

/**
 * A file being tailed, as the API lists it.
 *
 * @param path the absolute path
 * @param source the source id ("file:/var/log/auth.log")
 * @param offset bytes read so far in the current file
 * @param lines lines read since start
 * @param rotations rotations followed since start
 * @param status "following", "waiting" (file missing, waiting for it to appear) or "error: ..."
 */
public record TailedFile(String path, String source, long offset, long lines, long rotations, String status) {}
