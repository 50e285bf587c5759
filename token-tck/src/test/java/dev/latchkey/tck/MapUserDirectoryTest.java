package dev.latchkey.tck;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs the kit against a map-backed directory: checks the kit itself. */
class MapUserDirectoryTest extends UserDirectoryContract {
    private static final Map<String, DirectoryUser> USERS = Map.of(
            "alice", new DirectoryUser("alice", "Alice A.", "alice@example.com", true, Set.of("latchkey-users", "developers")),
            "Bob", new DirectoryUser("Bob", "Bob B.", "", true, Set.of()),
            "zoë", new DirectoryUser("zoë", "Zoë 🦊", "zoe@example.com", false, Set.of("latchkey-users")));

    @Override
    protected UserDirectory createDirectory() {
        return name -> Optional.ofNullable(USERS.get(name));
    }

    @Override
    protected Map<String, DirectoryUser> expectedUsers() {
        return USERS;
    }
}
