package dev.fleetpulse.reliability;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.source.DeadLetterRecordSerializer;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySample;
import dev.fleetpulse.localstack.flink.FlinkRestClient;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A corpus of hostile records, as producers and devices send them, among a few thousand good events, through the real
 * pre-processor and raw writer at parallelism = partitions, against a real Kafka and a real Prometheus. Every record
 * is accounted for exactly: a good event is in Prometheus (raw sample, and in the exact aggregates), a bad record is
 * in the dead-letter topic with the reason the corpus expects, found by its source partition and offset; the one
 * event Prometheus refuses (plausible but years old) is in the counter of samples dropped as not retryable. Neither
 * job restarts: a record that broke a job would show up as a restart in Flink's REST API, or fail the run.
 */
class HostileInputITCase {

    private static final int PARTITIONS = 3;

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(PARTITIONS);

    private static final long SPAN_MS = Duration.ofSeconds(90).toMillis();
    private static final String EVENT_TEMPLATE =
            "{\"eventType\":\"%s\",\"vehicleId\":\"%s\",\"region\":\"%s\",\"timestamp\":%s,\"measurement\":%s%s}";
    /** 2001-01-01: a plausible event time, far older than anything Prometheus's head block takes. */
    private static final long YEAR_2001 = 978_307_200_000L;

    /** A hostile record and what each job must make of it: a dead-letter reason, or null for a good event. */
    private record Hostile(String name, byte[] key, byte[] value, String reason) {
    }

    private static final List<VehicleEvent> GOOD = new ArrayList<>();
    /** Source partition and offset of each hostile record -> the reason its dead letter must carry. */
    private static final Map<String, String> EXPECTED_REASONS = new TreeMap<>();
    private static final Map<String, String> NAMES = new HashMap<>();
    private static String topic;
    private static long start;

    @BeforeAll
    static void writeTheCorpusAmongGoodEvents() throws Exception {
        start = System.currentTimeMillis() / 1000 * 1000 - Duration.ofMinutes(6).toMillis();
        topic = KAFKA.newTopic(PARTITIONS);
        List<VehicleEvent> fleet = TestFleet.events(16, "H", 60, 30, start, SPAN_MS);
        long mid = start + SPAN_MS / 2;
        VehicleEventJson json = new VehicleEventJson();

        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // First in its partition, so no watermark makes it late: the pre-processor aggregates it into a 2001
            // window and Prometheus refuses those samples, as it refuses the raw writer's.
            VehicleEvent ancient = new VehicleEvent(EventType.IC_RPM, "A0000000001", Region.UK, YEAR_2001, 900);
            producer.send(new ProducerRecord<>(topic, 2, YEAR_2001, utf8(ancient.vehicleId()), json.toJson(ancient)))
                    .get();
            int half = fleet.size() / 2;
            for (VehicleEvent e : fleet.subList(0, half)) {
                producer.send(new ProducerRecord<>(topic, null, e.timestamp(), utf8(e.vehicleId()), json.toJson(e)));
            }
            GOOD.addAll(fleet);
            for (Hostile h : corpus(mid)) {
                RecordMetadata written = producer.send(new ProducerRecord<>(topic, null, mid, h.key(), h.value()))
                        .get(30, TimeUnit.SECONDS);
                if (h.reason() != null) {
                    String at = written.partition() + "@" + written.offset();
                    EXPECTED_REASONS.put(at, h.reason());
                    NAMES.put(at, h.name());
                }
            }
            for (VehicleEvent e : fleet.subList(half, fleet.size())) {
                producer.send(new ProducerRecord<>(topic, null, e.timestamp(), utf8(e.vehicleId()), json.toJson(e)));
            }
            producer.flush();
        }
    }

    @Test
    void preProcessorShouldAggregateTheGoodEventsExactlyAndDeadLetterEveryHostileRecordWithoutARestart()
            throws Exception {
        String dlq = KAFKA.newTopic(1);
        ModelTable models = ModelTable.forEvents(GOOD);
        PreProcessorConfig config = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic, dlq,
                PROMETHEUS.remoteWriteUrl(), models);
        StreamExecutionEnvironment env = FLINK.environment(Pipelines.checkpointedJob(Duration.ofSeconds(1), 2));
        Pipelines.preProcessor(env, config, OffsetsInitializer.latest());

        JobID job = runWithoutRestarts(env, "hostile input: pre-processor");

        assertDeadLetters(dlq);
        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, start + SPAN_MS + Pipelines.WINDOW_MS),
                ExpectedAggregates.of(GOOD, Pipelines.WINDOW_MS, models), "aggregates of the good events among hostile ones");
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesNonRetryableDropped"))
                .as("the 2001 window's vehicles_in_motion and warnings samples, refused by Prometheus").isEqualTo(2);
        assertHealthAccountsForEveryRecord("pre-processor");
    }

    @Test
    void rawWriterShouldWriteEveryGoodEventAndDeadLetterEveryHostileRecordWithoutARestart() throws Exception {
        String dlq = KAFKA.newTopic(1);
        RawEventWriterConfig config = Pipelines.rawWriterConfig(KAFKA.bootstrapServers(), topic, dlq,
                PROMETHEUS.remoteWriteUrl());
        StreamExecutionEnvironment env = FLINK.environment(Pipelines.checkpointedJob(Duration.ofSeconds(1), 2));
        Pipelines.rawWriter(env, config, OffsetsInitializer.latest());

        JobID job = runWithoutRestarts(env, "hostile input: raw writer");

        assertDeadLetters(dlq);
        RawSamples.assertSame(RawSamples.written(PROMETHEUS.queryClient(), "H.*"), RawSamples.expected(GOOD),
                "raw samples of the good events among hostile ones");
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesNonRetryableDropped"))
                .as("the 2001 event, refused by Prometheus as out of bounds").isEqualTo(1);
        assertHealthAccountsForEveryRecord("raw-event-writer");
    }

    /**
     * The job's own health series in Prometheus tell the same story: every good event and the 2001 one counted in,
     * every dead letter counted under its reason, none late.
     */
    private static void assertHealthAccountsForEveryRecord(String job) {
        Map<String, Double> deadLetters = new TreeMap<>();
        for (QuerySample s : PROMETHEUS.queryClient().query("sum by (reason) (last_over_time("
                + "fleetpulse_pipeline_dead_letters_total{job=\"" + job + "\"}[1h]))")) {
            if (s.value() > 0) {
                deadLetters.put(s.labels().get("reason"), s.value());
            }
        }
        Map<String, Double> expected = new TreeMap<>();
        EXPECTED_REASONS.values().forEach(reason -> expected.merge(reason, 1.0, Double::sum));
        assertThat(deadLetters).as("dead letters by reason in %s's health series", job).isEqualTo(expected);
        assertThat(PROMETHEUS.queryClient().query("sum(last_over_time(fleetpulse_pipeline_events_in_total{job=\""
                + job + "\"}[1h]))")).singleElement().extracting(QuerySample::value)
                .as("valid events in %s's health series: the good ones and the one from 2001", job)
                .isEqualTo(GOOD.size() + 1.0);
    }

    /**
     * Runs the job to its end while watching Flink's REST API: any restart fails the test at once, and the finished
     * job must have nothing in its exception history.
     */
    private static JobID runWithoutRestarts(StreamExecutionEnvironment env, String name) throws Exception {
        JobClient client = env.executeAsync(name);
        JobID job = client.getJobID();
        FlinkRestClient rest = FLINK.rest();
        await(name + " to finish").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(rest.jobMetric(job.toString(), "numRestarts")).as("numRestarts of %s", name).isIn(null, "0");
            return client.getJobStatus().get().isGloballyTerminalState();
        });
        client.getJobExecutionResult().get();
        assertThat(rest.jobExceptions(job.toString())).as("exception history of %s", name).isEmpty();
        return job;
    }

    /** Exactly one dead letter per hostile record, found by where it was read, with the expected reason. */
    private static void assertDeadLetters(String dlq) {
        List<KafkaRecord> letters = KAFKA.readAll(dlq, EXPECTED_REASONS.size(), Duration.ofSeconds(30));
        Map<String, String> reasons = new TreeMap<>();
        for (KafkaRecord letter : letters) {
            // A late event has no source coordinates: it would show as unexpected, with its value.
            String at = letter.header(DeadLetterRecordSerializer.SOURCE_PARTITION).orElse("late") + "@"
                    + letter.header(DeadLetterRecordSerializer.SOURCE_OFFSET).orElse(letter.valueAsString());
            String reason = letter.header(DeadLetterRecordSerializer.REASON).orElseThrow();
            assertThat(reasons.put(at, reason)).as("a second dead letter of %s", NAMES.get(at)).isNull();
            assertThat(letter.header(DeadLetterRecordSerializer.DETAIL).orElseThrow().getBytes(StandardCharsets.UTF_8))
                    .as("detail of %s", NAMES.get(at)).hasSizeLessThanOrEqualTo(DeadLetterRecordSerializer.MAX_DETAIL_BYTES);
            if ("huge compressible garbage".equals(NAMES.get(at))) {
                assertThat(letter.value()).hasSize(1_000_000 - letter.key().length);
                assertThat(letter.header(DeadLetterRecordSerializer.TRUNCATED)).contains("value");
                assertThat(letter.header(DeadLetterRecordSerializer.ORIGINAL_VALUE_SIZE)).contains("3000000");
            }
        }
        Map<String, String> expected = new TreeMap<>(EXPECTED_REASONS);
        assertThat(reasons).as("dead letters by source partition@offset (names: %s)", NAMES).isEqualTo(expected);
    }

    /** The hostile records, and the good events among them that are unusual in form only. */
    private static List<Hostile> corpus(long t) {
        String ts = Long.toString(t);
        List<Hostile> corpus = new ArrayList<>();
        corpus.add(bad("empty record", "H-empty", new byte[0], "malformed-json"));
        corpus.add(bad("tombstone", "H-tombstone", null, "malformed-json"));
        corpus.add(new Hostile("null key, not JSON", null, utf8("engine on, 3000 rpm"), "malformed-json"));
        corpus.add(bad("bytes that are not UTF-8", "H-latin1",
                concat(utf8("{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V"), new byte[]{(byte) 0xFF, (byte) 0xFE},
                        utf8("1\",\"region\":\"UK\",\"timestamp\":" + ts + ",\"measurement\":1}")), "malformed-json"));
        corpus.add(bad("deep nesting", "H-deep", utf8(String.format(EVENT_TEMPLATE, "IC_RPM", "X1", "UK", ts, "1",
                ",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000))), "malformed-json"));
        corpus.add(bad("measurement beyond a double", "H-num1", event("IC_RPM", "X1", ts, "1e400"), "bad-measurement"));
        corpus.add(bad("measurement beyond a long", "H-num2",
                event("IC_RPM", "X1", ts, "9223372036854775808"), "bad-measurement"));
        corpus.add(bad("timestamp beyond a long", "H-num3",
                event("IC_RPM", "X1", "99999999999999999999", "1"), "bad-timestamp"));
        corpus.add(bad("duplicate keys", "H-dup", utf8(String.format(EVENT_TEMPLATE, "IC_RPM", "X1", "UK", ts, "1",
                ",\"measurement\":0")), "duplicate-field"));
        corpus.add(bad("event from 2090", "H-future", event("IC_RPM", "X1", "3786912000000", "1"), "future-timestamp"));
        corpus.add(bad("event a day ahead", "H-tomorrow",
                event("IC_RPM", "X1", Long.toString(System.currentTimeMillis() + 86_400_000L), "1"), "future-timestamp"));
        corpus.add(bad("event from 1999", "H-1999", event("IC_RPM", "X1", "946684799999", "1"), "bad-timestamp"));
        corpus.add(bad("event from 1970, in seconds", "H-1970", event("IC_RPM", "X1", "5", "1"), "bad-timestamp"));
        corpus.add(bad("huge compressible garbage", "H-huge", utf8("{\"eventType\":\"IC_RPM\",\"pad\":\""
                + "x".repeat(3_000_000 - 30) + "\""), "malformed-json"));
        corpus.add(bad("600 KB event type", "H-type",
                event("X".repeat(600_000), "X1", ts, "1"), "unknown-event-type"));
        corpus.add(bad("raw control character", "H-ctl1", event("IC_RPM", "X\u00071", ts, "1"), "malformed-json"));
        corpus.add(bad("escaped control character", "H-ctl2", event("IC_RPM", "X\\u00071", ts, "1"),
                "bad-vehicle-id"));
        corpus.add(bad("zero-width space in the id", "H-fmt", event("IC_RPM", "X\\u200B1", ts, "1"), "bad-vehicle-id"));
        corpus.add(bad("lone surrogate in the id", "H-sur", event("IC_RPM", "X\\uD8001", ts, "1"), "bad-vehicle-id"));
        corpus.add(bad("unknown region", "H-region", utf8(String.format(EVENT_TEMPLATE, "IC_RPM", "X1", "Atlantis", ts,
                "1", "")), "unknown-region"));

        corpus.add(good("null key", false, StandardCharsets.UTF_8,
                new VehicleEvent(EventType.IC_RPM, "H9000000001", Region.UK, t, 1_200), ""));
        corpus.add(good("UTF-16", true, StandardCharsets.UTF_16BE,
                new VehicleEvent(EventType.ELECTRIC_RPM, "H9000000002", Region.JAPAN, t, -300), ""));
        corpus.add(good("2 MB unknown field", true, StandardCharsets.UTF_8,
                new VehicleEvent(EventType.WARNINGS, "H9000000003", Region.BRAZIL, t, 3),
                ",\"pad\":\"" + "y".repeat(2_000_000) + "\""));
        return corpus;
    }

    private static Hostile bad(String name, String key, byte[] value, String reason) {
        return new Hostile(name, utf8(key), value, reason);
    }

    /** A good event in an unusual form: without a key, in another encoding, with extra fields. */
    private static Hostile good(String name, boolean keyed, Charset charset, VehicleEvent e, String extraFields) {
        GOOD.add(e);
        String text = String.format(EVENT_TEMPLATE, e.eventType(), e.vehicleId(), e.region().label(), e.timestamp(),
                e.measurement(), extraFields);
        return new Hostile(name, keyed ? utf8(e.vehicleId()) : null, text.getBytes(charset), null);
    }

    private static byte[] event(String type, String vehicle, String timestamp, String measurement) {
        return utf8(String.format(EVENT_TEMPLATE, type, vehicle, "UK", timestamp, measurement, ""));
    }

    /** Gzip, and requests big enough for the 3 MB record: the broker takes it compressed, as in production. */
    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(KAFKA.kafka().clientProperties(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20),
                ProducerConfig.LINGER_MS_CONFIG, "5")),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
