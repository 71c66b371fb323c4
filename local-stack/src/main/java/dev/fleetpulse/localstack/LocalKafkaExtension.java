package dev.fleetpulse.localstack;

import java.time.Duration;
import java.util.List;

/**
 * One {@link LocalKafka} broker per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
 *
 * @Test
 * void shouldDoSomething() {
 *     String topic = KAFKA.newTopic(4);   // a fresh topic per test keeps tests independent
 *     ...
 * }
 * }</pre>
 */
public final class LocalKafkaExtension extends ClassScopedService<LocalKafka> {

    @Override
    protected LocalKafka startService() {
        return LocalKafka.start();
    }

    public LocalKafka kafka() {
        return service();
    }

    public String bootstrapServers() {
        return service().bootstrapServers();
    }

    public String newTopic(int partitions) {
        return service().newTopic(partitions);
    }

    public List<KafkaRecord> readAll(String topic, int expectedCount, Duration timeout) {
        return service().readAll(topic, expectedCount, timeout);
    }
}
