package dev.latchkey.bitbucket.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads the {@code operation} of a Git LFS batch request
 * (<a href="https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md">batch API</a>). Only a well-formed
 * JSON object whose single {@code operation} member is exactly {@code "download"} is a download; anything else
 * (no body, too large, unparseable, duplicate keys, another value) is treated as an upload.
 */
public final class LfsBatch {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private LfsBatch() {
    }

    /** Whether {@code body} is a batch request that only downloads. */
    public static boolean isDownload(Optional<byte[]> body) {
        if (body.isEmpty() || body.get().length == 0) {
            return false;
        }
        try {
            JsonNode tree = MAPPER.readTree(body.get());
            if (tree == null || !tree.isObject()) {
                return false;
            }
            JsonNode op = tree.get("operation");
            return op != null && op.isTextual() && op.textValue().equals("download");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
