package tributary.kafka;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;
import org.apache.kafka.common.header.Header;

/**
 * Prints each record as one JSON object per line, for scripts/kafka (consume command and test
 * helpers). Keys, values and header values are arbitrary bytes: they appear as a JSON string when
 * they are valid UTF-8 (otherwise null) and always as base64 in the *Base64 fields, so exact bytes
 * can be compared. A null key/value/header value is null in both fields.
 */
public class JsonLinesFormatter implements MessageFormatter {
    @Override
    public void writeTo(ConsumerRecord<byte[], byte[]> record, PrintStream output) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"topic\":");
        string(out, record.topic());
        out.append(",\"partition\":").append(record.partition());
        out.append(",\"offset\":").append(record.offset());
        out.append(",\"timestamp\":").append(record.timestamp());
        out.append(",\"timestampType\":");
        string(out, record.timestampType().name);
        out.append(",\"key\":");
        utf8OrNull(out, record.key());
        out.append(",\"keyBase64\":");
        base64OrNull(out, record.key());
        out.append(",\"value\":");
        utf8OrNull(out, record.value());
        out.append(",\"valueBase64\":");
        base64OrNull(out, record.value());
        out.append(",\"headers\":[");
        boolean first = true;
        for (Header h : record.headers()) {
            if (!first) out.append(',');
            first = false;
            out.append('[');
            string(out, h.key());
            out.append(',');
            utf8OrNull(out, h.value());
            out.append(']');
        }
        out.append("],\"headersBase64\":[");
        first = true;
        for (Header h : record.headers()) {
            if (!first) out.append(',');
            first = false;
            out.append('[');
            string(out, h.key());
            out.append(',');
            base64OrNull(out, h.value());
            out.append(']');
        }
        out.append("]}\n");
        // One write per record, in UTF-8 whatever the platform charset is.
        byte[] line = out.toString().getBytes(StandardCharsets.UTF_8);
        output.write(line, 0, line.length);
        output.flush();
    }

    private static void utf8OrNull(StringBuilder out, byte[] bytes) {
        if (bytes == null) {
            out.append("null");
            return;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
            string(out, s);
        } catch (CharacterCodingException e) {
            out.append("null");
        }
    }

    private static void base64OrNull(StringBuilder out, byte[] bytes) {
        if (bytes == null) {
            out.append("null");
        } else {
            out.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /** A surrogate that belongs to a proper pair (header keys are Java strings and may hold lone ones). */
    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
