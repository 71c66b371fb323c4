package dev.fleetpulse.benchmarks;

import dev.fleetpulse.localstack.LocalKafka;
import dev.fleetpulse.localstack.LocalPrometheus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Scenario 5 of docs/reliability.md as a measurement: the pre-processor's catch-up rate on a topic where one record in
 * ten is malformed, against the same events without them. The generator fills a clean 4-partition topic; a copy of it
 * gets one bad record after every nine events of each partition (not JSON, truncated, unknown type, missing field, in
 * turn). The job's real {@code buildPipeline} (as in {@link PreProcessorCatchUp}) then reads each topic from the
 * earliest offset to the end, clean and flooded alternately for {@code --rounds} rounds, each run in its own child JVM
 * into a fresh Prometheus. Prints records/s (records read, good and bad, over the job's net runtime), the dead letters
 * written, and the flooded run's rate as a share of the clean one's: a figure to watch, not a target.
 *
 * <p>Run: {@code benchmarks/run.sh BadInputFlood [--events 3M] [--vehicles 100000] [--parallelism 2] [--rounds 2]
 * [--xmx 512m] [--max-load 2.5]}
 */
public final class BadInputFlood {

    private static final int GOOD_PER_BAD = 9;

    private BadInputFlood() {
    }

    public static void main(String[] args) throws Exception {
        HarnessArgs options = HarnessArgs.parse(args, "events", "vehicles", "parallelism", "rounds", "xmx", "max-load");
        long events = options.count("events", 3_000_000);
        int vehicles = (int) options.count("vehicles", 100_000);
        int parallelism = options.ints("parallelism", List.of(2)).get(0);
        int rounds = (int) options.count("rounds", 2);
        String xmx = options.text("xmx", "512m");
        double maxLoad = options.decimal("max-load", 2.5);
        Report.start("BadInputFlood", args);

        Report report = new Report("BadInputFlood", "run", "round", "parallelism", "records", "bad records", "seconds",
                "records/s", "dead letters", "vs clean", "load before", "load after");
        try (LocalKafka kafka = LocalKafka.start()) {
            String clean = kafka.newTopic(PreProcessorCatchUp.PARTITIONS);
            GeneratorThroughput.fill(kafka, clean, events, vehicles, 2, GeneratorThroughput.DEFAULT_XMX);
            String flooded = kafka.newTopic(PreProcessorCatchUp.PARTITIONS);
            long bad = copyWithBadRecords(kafka, clean, flooded);
            report.note(String.format("%,d events; the flooded topic adds %,d bad records (%.1f%% of its records)",
                    events, bad, 100.0 * bad / (events + bad)));

            for (int round = 1; round <= rounds; round++) {
                long cleanRate = 0;
                for (String topic : List.of(clean, flooded)) {
                    boolean isClean = topic.equals(clean);
                    long records = isClean ? events : events + bad;
                    String deadLetters = kafka.newTopic(1);
                    try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                        double loadBefore = Machine.awaitQuiet(maxLoad, Duration.ofSeconds(90));
                        ChildJvm.Result job = ChildJvm.run(PreProcessorCatchUp.class,
                                PreProcessorCatchUp.childFlags(xmx), List.of(PreProcessorCatchUp.JOB_MODE,
                                        kafka.bootstrapServers(), topic, deadLetters, prometheus.remoteWriteUrl(),
                                        Integer.toString(parallelism)));
                        double loadAfter = Machine.oneMinuteLoad();
                        long millis = job.longValue("netRuntimeMs");
                        long rate = records * 1000 / millis;
                        long letters = GeneratorThroughput.endOffsetTotal(kafka, deadLetters);
                        if (letters != (isClean ? 0 : bad)) {
                            throw new IllegalStateException("Expected " + (isClean ? 0 : bad) + " dead letters from "
                                    + topic + ", found " + letters);
                        }
                        if (isClean) {
                            cleanRate = rate;
                        }
                        report.row(isClean ? "clean" : "10% bad", round, parallelism, records, isClean ? 0 : bad,
                                millis / 1000.0, rate, letters,
                                isClean ? "-" : String.format("%.0f%%", 100.0 * rate / cleanRate),
                                loadBefore, loadAfter);
                    }
                }
            }
        }
        report.note("job JVMs: " + PreProcessorCatchUp.childFlags(xmx) + "; Kafka broker in the harness JVM");
        report.print();
    }

    /** Copies every partition of {@code from} to the same partition of {@code to}, one bad record after every nine. */
    private static long copyWithBadRecords(LocalKafka kafka, String from, String to) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PreProcessorCatchUp.PARTITIONS; p++) {
            partitions.add(new TopicPartition(from, p));
        }
        Properties consumerProperties = kafka.clientProperties(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        Properties producerProperties = kafka.clientProperties(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "20", ProducerConfig.BATCH_SIZE_CONFIG, "262144",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        long[] goodInPartition = new long[PreProcessorCatchUp.PARTITIONS];
        long bad = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties,
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    int p = record.partition();
                    producer.send(new ProducerRecord<>(to, p, record.timestamp(), record.key(), record.value()));
                    if (++goodInPartition[p] % GOOD_PER_BAD == 0) {
                        producer.send(new ProducerRecord<>(to, p, record.timestamp(), record.key(),
                                badValue(bad++, record.timestamp())));
                    }
                }
            }
            producer.flush();
        }
        return bad;
    }

    private static byte[] badValue(long n, long timestamp) {
        String value = switch ((int) (n % 4)) {
            case 0 -> "not json " + n;
            case 1 -> "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"X" + n;
            case 2 -> "{\"eventType\":\"FUEL\",\"vehicleId\":\"X" + n + "\",\"region\":\"UK\",\"timestamp\":"
                    + timestamp + ",\"measurement\":1}";
            default -> "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"X" + n + "\",\"region\":\"UK\",\"measurement\":1}";
        };
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
