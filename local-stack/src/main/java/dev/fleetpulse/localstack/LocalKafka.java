package dev.fleetpulse.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, listening on
 * 127.0.0.1 only, with its log in a temporary directory that {@link #close()} deletes.
 *
 * <p>Configured for tests of exactly-once jobs: every internal topic (offsets, transactions, share state) has
 * replication factor 1 and min ISR 1, and the maximum transaction timeout is one hour so Flink's transactional
 * Kafka sink can use its default timeout. Topics are not created automatically: create them with
 * {@link #createTopic} or {@link #newTopic}, as on a managed cluster (MSK's default), so a misspelt topic fails
 * fast instead of appearing silently with one partition.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final boolean deleteOnClose;
    private final Properties brokerProperties;

    private KafkaRaftServer server;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    private LocalKafka(int port, int controllerPort, Path logDir, boolean deleteOnClose) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerProperties = brokerProperties(port, controllerPort, logDir);
    }

    /** Starts a broker on a free port. */
    public static LocalKafka start() {
        return start(0);
    }

    /**
     * Starts a broker on the given client port (0: any free port). The controller listener takes another free
     * port.
     *
     * @throws PortUnavailableException if the given port is taken
     */
    public static LocalKafka start(int port) {
        int clientPort = Ports.resolve(port, "Kafka");
        return start(clientPort, Directories.createTemp("fleetpulse-kafka-"), true);
    }

    /**
     * Starts a broker whose log lives in the given directory and is kept by {@link #close()}: a directory from an
     * earlier run is reused with its topics and data, an empty or missing one is formatted first.
     *
     * @throws PortUnavailableException if the given port is taken
     */
    public static LocalKafka start(int port, Path logDir) {
        return start(Ports.resolve(port, "Kafka"), logDir, false);
    }

    private static LocalKafka start(int clientPort, Path logDir, boolean deleteOnClose) {
        int controllerPort = Ports.freePort();
        LocalKafka kafka = new LocalKafka(clientPort, controllerPort, logDir, deleteOnClose);
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                kafka.format();
            }
            kafka.startServer();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static Properties brokerProperties(int port, int controllerPort, Path logDir) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        props.setProperty("auto.create.topics.enable", "false");
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Flink's transactional sink defaults to a one-hour transaction timeout; the broker default max is 15 min.
        props.setProperty("transaction.max.timeout.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // A small broker for a 2-core test machine: few threads, no 128 MiB log-cleaner buffer.
        props.setProperty("num.network.threads", "2");
        props.setProperty("num.io.threads", "2");
        props.setProperty("background.threads", "2");
        props.setProperty("log.cleaner.threads", "1");
        props.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }

    private void format() {
        Path configFile = logDir.resolve("server.properties");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka log dir " + logDir, e);
        }
        try (OutputStream out = Files.newOutputStream(configFile)) {
            brokerProperties.store(out, "FleetPulse local Kafka broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + configFile, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()}, printer);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Formatting the Kafka log dir " + logDir + " failed (exit code "
                    + exitCode + "): " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void startServer() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties, false), Time.SYSTEM);
        server.startup();
        LOG.info("Kafka broker up at {} (log dir {})", bootstrapServers(), logDir);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logDir() {
        return logDir;
    }

    /** Creates a topic and waits until every partition has a leader. */
    public void createTopic(String name, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition, got " + partitions);
        }
        Admin client = admin();
        try {
            client.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!allPartitionsLed(client, name, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + name + " has no leader for every partition after "
                            + ADMIN_TIMEOUT);
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topic " + name + " with " + partitions + " partitions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    private static boolean allPartitionsLed(Admin client, String topic, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = client.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            // The controller has created the topic but the broker's metadata cache may not have it yet.
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
        return description.partitions().size() == partitions
                && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    /** The names of the topics that exist now, internal ones excluded. */
    public Set<String> topics() {
        try {
            return admin().listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list the topics of " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing topics", e);
        }
    }

    /** Creates a topic with a random, unique name (one per test keeps tests independent) and returns the name. */
    public String newTopic(int partitions) {
        String name = "test-" + UUID.randomUUID();
        createTopic(name, partitions);
        return name;
    }

    /** Sends one record (key and value UTF-8) and waits for the broker's acknowledgement. */
    public RecordMetadata produce(String topic, String key, String value, long timestamp,
                                  KafkaRecord.Header... headers) {
        return produce(topic, utf8(key), utf8(value), timestamp, headers);
    }

    /** Sends one record, partitioned by key as Kafka's default partitioner does, and waits for the acknowledgement. */
    public RecordMetadata produce(String topic, byte[] key, byte[] value, long timestamp,
                                  KafkaRecord.Header... headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp, key, value);
        for (KafkaRecord.Header header : headers) {
            record.headers().add(new RecordHeader(header.key(), header.value()));
        }
        return send(record);
    }

    /** Sends any record (e.g. to an explicit partition) and waits for the broker's acknowledgement. */
    public synchronized RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        if (producer == null) {
            producer = new KafkaProducer<>(clientProperties(Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "0")),
                    new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            return producer.send(record).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot produce to " + record.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while producing to " + record.topic(), e);
        }
    }

    /**
     * Reads a topic from the beginning with {@code read_committed} isolation, so records of aborted or open
     * transactions are not returned.
     *
     * @see #readAll(String, int, Duration, IsolationLevel)
     */
    public List<KafkaRecord> readAll(String topic, int expectedCount, Duration timeout) {
        return readAll(topic, expectedCount, timeout, IsolationLevel.READ_COMMITTED);
    }

    /**
     * Reads every partition of a topic from the beginning until at least {@code expectedCount} records have
     * arrived, then on to the current end of every partition, so duplicates beyond the expected count are
     * returned too (an exactly-once check can compare sizes). Records come sorted by partition, then offset.
     *
     * @throws IllegalStateException if fewer than {@code expectedCount} records arrive within {@code timeout};
     *     the message says how many did
     */
    public List<KafkaRecord> readAll(String topic, int expectedCount, Duration timeout, IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        List<KafkaRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                clientProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist on " + bootstrapServers());
            }
            Set<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toSet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expectedCount) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records.size() + " of " + expectedCount
                            + " expected records from " + topic + " within " + timeout);
                }
                consumer.poll(POLL_TIMEOUT).forEach(r -> records.add(toRecord(r)));
            }
            // End offsets honour the isolation level (read_committed: the last stable offset).
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records.size() + " records from " + topic
                            + " but not up to its end offsets " + ends + " within " + timeout);
                }
                consumer.poll(POLL_TIMEOUT).forEach(r -> records.add(toRecord(r)));
            }
        }
        records.sort(Comparator.comparingInt(KafkaRecord::partition).thenComparingLong(KafkaRecord::offset));
        return records;
    }

    private static KafkaRecord toRecord(ConsumerRecord<byte[], byte[]> record) {
        List<KafkaRecord.Header> headers = new ArrayList<>();
        record.headers().forEach(h -> headers.add(new KafkaRecord.Header(h.key(), h.value())));
        return new KafkaRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(), headers);
    }

    /** Client properties that reach this broker, plus the given overrides. */
    public Properties clientProperties(Map<String, ?> overrides) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(overrides);
        return props;
    }

    /**
     * Stops the broker and starts it again on the same ports and log directory, as a broker restart in
     * production would: committed data, topics and consumer offsets survive.
     */
    public synchronized void restart() {
        requireOpen();
        stopServer();
        startServer();
    }

    private synchronized Admin admin() {
        requireOpen();
        if (admin == null) {
            admin = Admin.create(clientProperties(Map.of()));
        }
        return admin;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("LocalKafka at " + bootstrapServers() + " is closed");
        }
    }

    private void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Stops the broker and deletes its log directory, unless it was given to {@link #start(int, Path)}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Clients first: a client that outlives the broker keeps logging reconnect attempts.
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
        stopServer();
        if (deleteOnClose) {
            Directories.deleteRecursively(logDir);
        }
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
