package dev.fleetpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EffectiveSettingsTest {

    @Test
    void shouldWriteSettingsInOrderOnOneLine() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("topic", "vehicle-events");
        settings.put("events.per.sec", 1000.0);

        assertThat(EffectiveSettings.format("Kafka sink", settings))
                .isEqualTo("Kafka sink: topic=vehicle-events, events.per.sec=1000.0");
    }

    @Test
    void shouldMaskSecretsWhenKeysNameThem() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"x\";");
        settings.put("ssl.truststore.password", "changeit");
        settings.put("security.protocol", "SASL_SSL");

        assertThat(EffectiveSettings.format("Kafka", settings))
                .isEqualTo("Kafka: sasl.jaas.config=****, ssl.truststore.password=****, security.protocol=SASL_SSL");
    }
}
