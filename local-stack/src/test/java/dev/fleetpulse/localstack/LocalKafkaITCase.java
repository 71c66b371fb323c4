package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalKafkaITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long T0 = 1_730_621_749_000L;

    @Test
    void shouldReturnKeysValuesTimestampsAndHeadersPerPartitionWhenRecordsWereProduced() {
        String topic = KAFKA.newTopic(3);
        KafkaRecord.Header reason = KafkaRecord.Header.of("reason", "late");

        for (int partition = 0; partition < 3; partition++) {
            KAFKA.kafka().send(new ProducerRecord<>(topic, partition, T0 + partition,
                    ("V000000000" + partition).getBytes(), ("event-" + partition).getBytes()));
        }
        KAFKA.kafka().produce(topic, "V0000000009", "with-header", T0 + 9, reason);

        List<KafkaRecord> records = KAFKA.readAll(topic, 4, TIMEOUT);

        assertThat(records).hasSize(4);
        assertThat(records).extracting(KafkaRecord::partition).isSorted();
        assertThat(records).filteredOn(r -> r.offset() == 0 && r.headers().isEmpty())
                .extracting(KafkaRecord::partition, KafkaRecord::valueAsString)
                .containsExactlyInAnyOrder(tuple(0, "event-0"), tuple(1, "event-1"), tuple(2, "event-2"));
        KafkaRecord first = records.get(0);
        assertThat(first.topic()).isEqualTo(topic);
        assertThat(first.keyAsString()).isEqualTo("V0000000000");
        assertThat(first.valueAsString()).isEqualTo("event-0");
        assertThat(first.timestamp()).isEqualTo(T0);
        assertThat(first.offset()).isZero();
        KafkaRecord withHeader = records.stream()
                .filter(r -> "with-header".equals(r.valueAsString())).findFirst().orElseThrow();
        assertThat(withHeader.keyAsString()).isEqualTo("V0000000009");
        assertThat(withHeader.timestamp()).isEqualTo(T0 + 9);
        assertThat(withHeader.header("reason")).contains("late");
        assertThat(withHeader.header("missing")).isEmpty();
    }

    @Test
    void shouldHideAbortedTransactionsWhenReadingCommitted() {
        String topic = KAFKA.newTopic(1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().clientProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic)), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            // Without the flush, abort would drop the unsent record instead of writing and aborting it.
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(KAFKA.readAll(topic, 1, TIMEOUT)).extracting(KafkaRecord::valueAsString)
                .containsExactly("committed");
        assertThat(KAFKA.kafka().readAll(topic, 2, TIMEOUT, IsolationLevel.READ_UNCOMMITTED))
                .extracting(KafkaRecord::valueAsString)
                .containsExactly("aborted", "committed");
    }

    @Test
    void shouldReturnRecordsBeyondTheExpectedCountSoDuplicatesAreVisible() {
        String topic = KAFKA.newTopic(2);
        for (int i = 0; i < 5; i++) {
            KAFKA.kafka().produce(topic, "V" + i, "e" + i, T0 + i);
        }

        assertThat(KAFKA.readAll(topic, 3, TIMEOUT)).hasSize(5);
    }

    @Test
    void shouldFailWithTheCountReadWhenFewerRecordsArriveThanExpected() {
        String topic = KAFKA.newTopic(1);
        KAFKA.kafka().produce(topic, "V1", "only", T0);

        assertThatThrownBy(() -> KAFKA.readAll(topic, 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Read 1 of 2 expected records from " + topic);
    }

    @Test
    void shouldKeepTopicDataWhenBrokerRestarts() {
        String topic = KAFKA.newTopic(2);
        KAFKA.kafka().produce(topic, "V1", "before-restart", T0);

        KAFKA.kafka().restart();
        KAFKA.kafka().produce(topic, "V1", "after-restart", T0 + 1);

        assertThat(KAFKA.readAll(topic, 2, TIMEOUT)).extracting(KafkaRecord::valueAsString)
                .containsExactly("before-restart", "after-restart");
    }

    @Test
    void shouldRejectAFixedPortThatIsTaken() {
        int taken = KAFKA.kafka().port();

        assertThatThrownBy(() -> LocalKafka.start(taken))
                .isInstanceOf(PortUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + taken);
    }
}
