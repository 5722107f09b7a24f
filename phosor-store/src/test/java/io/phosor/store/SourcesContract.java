package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sources added at run time, and saved file positions. */
abstract class SourcesContract extends StoreContract {
  @Test
  void addedFilesAreListedInOrderAndAddingTwiceChangesNothing() {
    assertThat(store.sources().addFile("/var/log/auth.log", "alice")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.sources().addFile("/var/log/nginx/access.log", "bob")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.sources().addFile("/var/log/auth.log", "carol")).isFalse();

    assertThat(store.sources().files()).containsExactly(new FileSource("/var/log/auth.log", "alice", T0),
        new FileSource("/var/log/nginx/access.log", "bob", T0.plusSeconds(1)));
    assertThat(store.sources().removeFile("/var/log/auth.log")).isTrue();
    assertThat(store.sources().removeFile("/var/log/auth.log")).isFalse();
    assertThat(store.sources().files()).extracting(FileSource::path).containsExactly("/var/log/nginx/access.log");
  }

  @Test
  void positionsAreSavedReplacedAndRemoved() {
    Map<String, String> first = new LinkedHashMap<>();
    first.put("/var/log/a.log", "{\"offset\":10,\"inode\":1}");
    first.put("/var/log/b.log", "{\"offset\":20,\"inode\":2}");
    store.sources().putPositions(first);
    store.sources().putPosition("/var/log/a.log", "{\"offset\":99,\"inode\":1}");
    store.sources().putPosition("journal", "42");

    assertThat(store.sources().positions()).isEqualTo(Map.of("/var/log/a.log", "{\"offset\":99,\"inode\":1}",
        "/var/log/b.log", "{\"offset\":20,\"inode\":2}", "journal", "42"));
    assertThat(store.sources().removePosition("/var/log/b.log")).isTrue();
    assertThat(store.sources().removePosition("/var/log/b.log")).isFalse();
    assertThat(store.sources().positions()).containsOnlyKeys("/var/log/a.log", "journal");
  }

  @Test
  void aPositionThatIsNotJsonIsRejectedAndNothingOfTheBatchIsSaved() {
    Map<String, String> batch = new LinkedHashMap<>();
    batch.put("a", "{\"offset\":1}");
    batch.put("b", "offset=2");
    assertThatThrownBy(() -> store.sources().putPositions(batch))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("position b is not valid JSON");
    assertThat(store.sources().positions()).isEmpty();
    assertThatThrownBy(() -> store.sources().addFile("/" + "x".repeat(4096), "a"))
        .hasMessage("file path is 4097 characters long, more than the 4096 allowed");
  }
}
