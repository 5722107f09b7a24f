package io.phosor.forward;

import java.util.List;

/**
 * One kind of destination (Splunk HEC, syslog, OpenSearch bulk). The forwarder encodes each record once, cuts batches
 * by size and calls {@link #send} once per attempt; it owns the retries. Used by one thread.
 */
interface Output extends AutoCloseable {
  /** The bytes of one record as it goes into a request (a HEC event, a syslog frame, a bulk action and document). */
  byte[] encode(Item item);

  /**
   * Sends the batch once. Items not in the result's {@code retry} or {@code rejected} lists were accepted.
   *
   * @throws SendFailure when the batch as a whole was not accepted (nothing of it is known to be delivered)
   */
  Result send(List<Encoded> batch) throws SendFailure;

  /** Where it sends, without secrets, for the status and messages ("https://splunk.example.com:8088"). */
  String target();

  @Override
  void close();

  /** A record and its encoding. */
  record Encoded(Item item, byte[] bytes) {}

  /** A record the destination refused for good, and why. */
  record Rejected(Encoded record, String reason) {}

  /**
   * What came of a batch that was answered item by item.
   *
   * @param retry records to send again later (the destination was busy)
   * @param rejected records refused for good (counted as dropped)
   */
  record Result(List<Encoded> retry, List<Rejected> rejected) {
    static final Result ALL_OK = new Result(List.of(), List.of());
  }

  /** The batch was not accepted as a whole. */
  final class SendFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean split;

    /**
     * @param split true when the destination refused the request as such (too large, a malformed record): the batch
     *     is split in halves to find the record at fault, and a single record refused so is dropped; false when a
     *     later attempt may succeed (connection refused, time-out, 5xx, busy, wrong token)
     */
    SendFailure(String message, boolean split) {
      super(message, null, false, false);
      this.split = split;
    }

    boolean split() {
      return split;
    }
  }
}
