package dev.outpost.server.data;

import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The opaque cursor of a page: the table name and the primary-key values (text form) of the last row
 * sent, base64url-encoded. Clients never look inside; the server rejects a cursor that does not
 * decode, names another table, or has the wrong number of key values.
 */
final class PageCursor {
    private PageCursor() {}

    static String encode(String table, List<String> keyValues) {
        String[] parts = new String[keyValues.size() + 1];
        parts[0] = table;
        for (int i = 0; i < keyValues.size(); i++) {
            parts[i + 1] = keyValues.get(i);
        }
        String line = RowLines.rowLine(parts);
        byte[] bytes = line.substring(0, line.length() - 1).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The key values in the cursor, checked against the table and its key size. */
    static List<String> decode(String cursor, String table, int keySize) {
        String[] parts;
        try {
            String line = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            parts = ((RowLines.Row) RowLines.parse(line)).values();
        } catch (IllegalArgumentException | ClassCastException e) {
            throw malformed("it is not a cursor this server issued");
        }
        if (parts.length != keySize + 1 || !table.equals(parts[0])) {
            throw malformed("it was issued for another table or key");
        }
        List<String> values = Arrays.asList(parts).subList(1, parts.length);
        if (values.contains(null)) {
            throw malformed("it has an empty key value");
        }
        return values;
    }

    static ProblemException malformed(String why) {
        return new ProblemException(
                ProblemType.MALFORMED_CURSOR,
                "the 'after' cursor is not valid (" + why
                        + "); start again without it or use the 'next' of the previous page");
    }
}
