package io.phosor.secrets;

import io.phosor.store.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Secret settings (webhook URLs, API keys, SMTP passwords) kept in the store's settings under
 * {@value #PREFIX}, encrypted with a {@link SecretBox}. Names may be given with or without the prefix.
 * Without a key ({@code PHOSOR_ENCRYPTION_KEY} unset) nothing secret can be stored, and start-up fails when
 * secrets are already stored: see {@link #checkReadable()}.
 */
public final class SecretSettings {
  /** The settings under this prefix are secrets; all other settings are plain text. */
  public static final String PREFIX = "secret.";
  /** What to do when no key is set, said the same way everywhere. */
  static final String SET_A_KEY = "generate a key with 'phosor keygen' and start Phosor with PHOSOR_ENCRYPTION_KEY=<key> "
      + "(keep a copy of it: stored secrets cannot be read without it)";

  private final Settings settings;
  private final SecretBox box;

  /** Secrets in {@code settings}, encrypted with {@code box}, or null when no key is set. */
  public SecretSettings(Settings settings, SecretBox box) {
    this.settings = settings;
    this.box = box;
  }

  /** The stored name of secret {@code name}: with the prefix. */
  public static String key(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("secret name must not be empty");
    }
    return name.startsWith(PREFIX) ? name : PREFIX + name;
  }

  /** The authenticated purpose a setting's value is sealed for: a value moved to another name does not open. */
  static String purpose(String key) {
    return "setting:" + key;
  }

  /** Whether a key is set, so that secrets can be stored. */
  public boolean canStore() {
    return box != null;
  }

  /**
   * Encrypts and stores secret {@code name}.
   *
   * @throws SecretException when no key is set (the message says how to set one)
   */
  public void put(String name, String value) {
    String key = key(name);
    if (value == null) {
      throw new IllegalArgumentException("secret " + key + ": value must not be null (use remove)");
    }
    if (box == null) {
      throw new SecretException("cannot store the secret '" + key + "': PHOSOR_ENCRYPTION_KEY is not set; " + SET_A_KEY);
    }
    settings.put(key, box.seal(value, purpose(key)));
  }

  /**
   * The decrypted value of secret {@code name}, if stored.
   *
   * @throws SecretException when it cannot be decrypted (no key, another key, altered)
   */
  public Optional<String> get(String name) {
    String key = key(name);
    Optional<String> stored = settings.get(key);
    return stored.map(v -> open(key, v));
  }

  /** Removes secret {@code name}; false when it was not stored. */
  public boolean remove(String name) {
    return settings.remove(key(name));
  }

  /** The names (with the prefix) of the stored secrets. */
  public List<String> names() {
    return new ArrayList<>(stored(settings).keySet());
  }

  /**
   * Checks at start-up that every stored secret decrypts with the key in use, so that a wrong or missing
   * key stops start-up at once instead of failing later (an alert that cannot be delivered). Returns how
   * many secrets are stored.
   *
   * @throws SecretException naming the first secret that cannot be read and what to do
   */
  public int checkReadable() {
    Map<String, String> all = stored(settings);
    if (all.isEmpty()) {
      return 0;
    }
    if (box == null) {
      throw new SecretException(all.size() + " secret(s) are stored encrypted (" + abbreviatedNames(all)
          + "), but PHOSOR_ENCRYPTION_KEY is not set: start Phosor with the key they were stored under");
    }
    all.forEach(this::open);
    return all.size();
  }

  private String open(String key, String value) {
    if (box == null) {
      throw new SecretException("cannot read the stored secret '" + key + "': PHOSOR_ENCRYPTION_KEY is not set; "
          + "start Phosor with the key it was stored under");
    }
    try {
      return box.open(value, purpose(key));
    } catch (SecretException e) {
      throw new SecretException("cannot decrypt the stored secret '" + key + "' with PHOSOR_ENCRYPTION_KEY (key id "
          + box.keyId() + "): " + e.getMessage() + ". Start Phosor with the key it was stored under; to change keys, "
          + "run 'phosor keys rotate' with the old key in PHOSOR_ENCRYPTION_KEY and the new one in "
          + "PHOSOR_NEW_ENCRYPTION_KEY", e);
    }
  }

  /**
   * Re-encrypts every stored secret under {@code to}, in one transaction: afterwards only {@code to}
   * opens them. Values already under {@code to} are checked and kept (a rotation that was interrupted
   * and is run again finishes the job). Nothing is written when one secret cannot be decrypted.
   *
   * @param from the current key's box, or null when no key is set (then only an empty store rotates)
   * @return how many secrets are now under {@code to}
   * @throws SecretException naming the secret that cannot be decrypted
   */
  public static int rotate(Settings settings, SecretBox from, SecretBox to) {
    Map<String, String> all = stored(settings);
    Map<String, String> resealed = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : all.entrySet()) {
      String key = e.getKey();
      String kid = SecretBox.keyIdOf(e.getValue());
      SecretBox opener = to.keyId().equals(kid) ? to : from;
      if (opener == null) {
        throw new SecretException("cannot re-encrypt the stored secret '" + key + "': it is encrypted under key id "
            + kid + " and PHOSOR_ENCRYPTION_KEY (the current key) is not set");
      }
      String plain;
      try {
        plain = opener.open(e.getValue(), purpose(key));
      } catch (SecretException x) {
        throw new SecretException("cannot re-encrypt the stored secret '" + key + "': " + x.getMessage()
            + "; nothing was changed", x);
      }
      resealed.put(key, opener == to ? e.getValue() : to.seal(plain, purpose(key)));
    }
    settings.putAll(resealed);
    return resealed.size();
  }

  private static Map<String, String> stored(Settings settings) {
    Map<String, String> out = new LinkedHashMap<>();
    settings.all().forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static String abbreviatedNames(Map<String, String> all) {
    List<String> names = new ArrayList<>(all.keySet());
    return names.size() <= 3 ? String.join(", ", names) : String.join(", ", names.subList(0, 3)) + ", ...";
  }
}
