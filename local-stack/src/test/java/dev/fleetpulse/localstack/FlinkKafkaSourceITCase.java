package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bounded Flink job on a MiniCluster reads what LocalKafka holds: the broker works for Flink's KafkaSource. */
class FlinkKafkaSourceITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldReadEveryRecordOfEveryPartitionWhenJobIsBounded() throws Exception {
        String topic = KAFKA.newTopic(3);
        List<String> produced = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String value = "event-" + i;
            KAFKA.kafka().produce(topic, "V" + (i % 7), value, 1_730_621_749_000L + i);
            produced.add(value);
        }

        StreamExecutionEnvironment env = FLINK.environment();
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("local-stack-it")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();

        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> results = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka: test topic").uid("kafka-source")
                .executeAndCollect("local-stack-kafka-read")) {
            results.forEachRemaining(read::add);
        }

        assertThat(read).containsExactlyInAnyOrderElementsOf(produced);
    }
}
