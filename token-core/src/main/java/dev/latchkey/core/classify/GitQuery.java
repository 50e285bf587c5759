package dev.latchkey.core.classify;

/** Reads the {@code service} parameter of a git ref advertisement, failing towards the stricter answer. */
final class GitQuery {
    private GitQuery() {
    }

    /**
     * The {@code service} value; {@code git-receive-pack} if any occurrence asks for it (so a duplicated
     * parameter can never downgrade a push), else the first value, else null.
     */
    static String service(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        String first = null;
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals("service")) {
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (value.equals("git-receive-pack")) {
                    return value;
                }
                if (first == null) {
                    first = value;
                }
            }
        }
        return first;
    }
}
