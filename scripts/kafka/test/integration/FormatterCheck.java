import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import tributary.kafka.JsonLinesFormatter;

/**
 * Feeds JsonLinesFormatter records with bytes no console producer can write (null, invalid
 * UTF-8, control characters, lone surrogates) for formatter.test.ts, one JSON line per record.
 */
public class FormatterCheck {
    public static void main(String[] args) {
        JsonLinesFormatter f = new JsonLinesFormatter();
        f.writeTo(record(0, null, null, new RecordHeaders()), System.out);

        RecordHeaders h = new RecordHeaders();
        h.add("h-null", null);
        h.add("h-bin", new byte[] {(byte) 0x80});
        h.add("h-text", "\u00fc\n\"\\\t\u0001 \ud83d\ude00".getBytes(StandardCharsets.UTF_8));
        f.writeTo(record(1, utf8("k1"), new byte[] {(byte) 0xff, 0x00, (byte) 0xc3}, h), System.out);

        RecordHeaders lone = new RecordHeaders();
        lone.add("\ud800x", utf8("v"));
        f.writeTo(record(2, new byte[0], utf8("\u2028 \ud83d\ude00"), lone), System.out);

        // CESU-8 style encoded surrogate: not valid UTF-8.
        f.writeTo(record(3, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[0], new RecordHeaders()), System.out);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("t\"opic", 7, offset, 1700000000000L + offset, TimestampType.CREATE_TIME,
            -1, -1, key, value, headers, Optional.empty());
    }
}
