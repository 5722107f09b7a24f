package io.phosor.intel;

/**
 * Reputation of an address for other features (incidents, response): local indicator matches plus the
 * remote services' answers, cached one hour and within the per-minute look-up budget. May block for a remote
 * look-up (up to the request timeout): never call it on the pipeline or detection thread.
 */
public interface IpReputation {
  /**
   * What is known about {@code ip}.
   *
   * @throws IllegalArgumentException when {@code ip} is not an IPv4 or IPv6 address
   */
  Reputation lookup(String ip);
}
