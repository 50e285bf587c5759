package dev.latchkey.core.classify;

/** Refuses paths whose meaning could differ between the classifier and the host's router. */
final class PathCheck {
    private PathCheck() {
    }

    static void requireNormalised(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw new UnclassifiableRequestException("the path does not start with '/'");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ';' || c == '\\' || c == '%') {
                throw new UnclassifiableRequestException("the path contains a character (" + (int) c
                        + ") that makes its meaning ambiguous");
            }
        }
        if (path.contains("//") || path.contains("/./") || path.contains("/../") || path.endsWith("/.")
                || path.endsWith("/..")) {
            throw new UnclassifiableRequestException("the path is not normalised");
        }
    }
}
