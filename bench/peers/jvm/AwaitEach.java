/*
 * The Java client's side of workload W4 (form "await-each"): one record at a time, each awaited
 * before the next is sent. Kafka's ProducerPerformance always keeps many sends outstanding, so it
 * cannot measure this; this small program can.
 *
 * Run with Java 11+'s single-file source launcher (JEP 330: the file is compiled in memory at
 * start, no javac step), on the Kafka classpath of scripts/kafka/fetch.mjs:
 *
 *   java <flags> -cp '<kafka lib>/*' bench/peers/jvm/AwaitEach.java \
 *        <topic> <payload file> <warm-up records> <records> <producer prop>=<value> ...
 *
 * Started by bench/peers/jvm.ts, which reads what this prints on stdout:
 *
 *   AWAIT-EACH-INFO java=<version> kafka-clients=<version>
 *   MARK start                      just before the first measured send
 *   MARK end                        just after the last measured acknowledgement
 *   AWAIT-EACH acked=<n> seconds=<s> p50Ms=<ms> p99Ms=<ms>
 *   AWAIT-EACH-FAILED <why>         instead of the line above, when a send failed
 *
 * Values come from the payload file exactly as bytes (split on '\n', no charset round trip):
 * warm-up record i and measured record i both get line i % lines, the same rule every runner
 * follows (bench/peers/contract.ts), so the measured phase sends the bytes the spec counts.
 */

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;

public class AwaitEach {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: AwaitEach <topic> <payload file> <warm-up records> <records> [prop=value ...]");
            System.exit(2);
        }
        String topic = args[0];
        byte[][] values = readLines(Path.of(args[1]));
        long warmup = Long.parseLong(args[2]);
        int records = Integer.parseInt(args[3]);
        Properties props = new Properties();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("AwaitEach: producer property '" + args[i] + "' is not name=value");
                System.exit(2);
            }
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        // The values are already bytes: no serialization work of the client's own is measured.
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        System.out.println("AWAIT-EACH-INFO java=" + System.getProperty("java.version")
                + " kafka-clients=" + AppInfoParser.getVersion());

        int exitCode = 0;
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        try {
            // Warm-up: same producer, same connection; lets the JIT compile the send path and
            // the client fetch metadata before anything is timed.
            for (long i = 0; i < warmup; i++) {
                String failure = sendAndWait(producer, topic, values[(int) (i % values.length)]);
                if (failure != null) {
                    System.out.println("AWAIT-EACH-FAILED warm-up record " + i + " failed: " + failure);
                    exitCode = 1;
                    return;
                }
            }

            long[] nanos = new long[records];
            int acked = 0;
            String failure = null;
            System.out.println("MARK start");
            System.out.flush();
            long began = System.nanoTime();
            for (int i = 0; i < records; i++) {
                long sent = System.nanoTime();
                failure = sendAndWait(producer, topic, values[i % values.length]);
                if (failure != null) {
                    failure = "record " + i + " of the measured phase failed: " + failure;
                    break;
                }
                nanos[i] = System.nanoTime() - sent;
                acked++;
            }
            long ended = System.nanoTime();
            System.out.println("MARK end");
            System.out.flush();

            if (failure != null) {
                System.out.println("AWAIT-EACH-FAILED " + failure + " (" + acked + " acknowledged before it)");
                exitCode = 1;
                return;
            }
            // Same percentile rule as bench/peers/runner-io.ts: the value at floor(q * n) of the
            // sorted latencies.
            Arrays.sort(nanos, 0, acked);
            System.out.println("AWAIT-EACH acked=" + acked
                    + " seconds=" + ((ended - began) / 1e9)
                    + " p50Ms=" + (percentile(nanos, acked, 0.50) / 1e6)
                    + " p99Ms=" + (percentile(nanos, acked, 0.99) / 1e6));
        } finally {
            // Bounded: a producer that cannot reach its broker must not hold the runner.
            producer.close(Duration.ofSeconds(5));
            System.out.flush();
            if (exitCode != 0) System.exit(exitCode);
        }
    }

    /** Sends one record and blocks until the broker acknowledges it; null on success, else why not. */
    static String sendAndWait(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, value)).get();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            // send() itself throws for some local failures (e.g. the producer is closed).
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    static long percentile(long[] sorted, int count, double q) {
        if (count == 0) return 0;
        return sorted[Math.min(count - 1, (int) Math.floor(q * count))];
    }

    /** The file's lines as raw bytes; a file with no trailing newline still ends its last line. */
    static byte[][] readLines(Path file) throws java.io.IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length == 0) throw new IllegalArgumentException("payload file " + file + " is empty");
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return lines.toArray(new byte[0][]);
    }
}
