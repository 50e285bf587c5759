package dev.latchkey.core.memory;

import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;

/** The argument and version checks of {@link InMemoryTokenStore}'s writes, with the contract's exceptions. */
final class MemoryChecks {
    private MemoryChecks() {
    }

    static void requireNew(TokenRecord record, InsertConditions conditions) {
        if (record.version() != 0) {
            throw new IllegalArgumentException("a new record must have version 0, was " + record.version());
        }
        if (conditions.uniqueActiveServiceName() && record.kind() != TokenKind.SERVICE) {
            throw new IllegalArgumentException("uniqueActiveServiceName applies to service records only, "
                    + record.id() + " is " + record.kind());
        }
    }

    static void checkVersion(TokenRecord updated, TokenRecord current, long expectedVersion) {
        if (current == null) {
            throw new ConcurrentUpdateException("token " + updated.id() + " does not exist");
        }
        if (current.version() != expectedVersion) {
            throw new ConcurrentUpdateException("token " + updated.id() + " is at version " + current.version()
                    + ", not " + expectedVersion + "; re-read it and try again");
        }
        if (!current.digest().equals(updated.digest())) {
            throw new IllegalArgumentException("the digest of a token cannot change through an update");
        }
    }
}
