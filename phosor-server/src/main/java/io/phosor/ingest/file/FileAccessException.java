package io.phosor.ingest.file;

/** A file cannot be tailed: outside the allowed directories (403), missing (404) or unreadable (400). */
public final class FileAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  /** {@code status} is the HTTP status the API answers with. */
  public FileAccessException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status for this refusal. */
  public int status() {
    return status;
  }
}
