package io.phosor.cli;

import io.phosor.secrets.EncryptionKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code phosor keygen}: prints a new random key for {@code PHOSOR_ENCRYPTION_KEY}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Print a new random AES-256 key (base64) for PHOSOR_ENCRYPTION_KEY. Keep a copy somewhere safe: "
        + "secrets stored under it cannot be read without it.")
final class KeygenCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    EncryptionKey key = EncryptionKey.generate();
    System.out.println(key.encoded());
    System.err.println("key id " + key.id() + ": set it as PHOSOR_ENCRYPTION_KEY and keep a copy; without it stored "
        + "secrets cannot be read");
    return 0;
  }
}
