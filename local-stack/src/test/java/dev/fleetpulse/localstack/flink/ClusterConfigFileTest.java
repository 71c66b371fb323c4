package dev.fleetpulse.localstack.flink;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterConfigFileTest {

    @Test
    void shouldWriteEveryValueAsTheStringFlinksYamlParserReadsBack() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rest.port", "8081");
        settings.put("jobmanager.retrieve-taskmanager-hostname", "false");
        settings.put("restart-strategy.fixed-delay.delay", "1000 ms");
        settings.put("io.tmp.dirs", "/tmp/with space/and:colon #hash");
        settings.put("odd.value", "quote \" backslash \\ tab \t end");

        Object parsed = new Load(LoadSettings.builder().build()).loadFromString(ClusterConfigFile.render(settings));

        assertThat(parsed).isEqualTo(settings);
    }
}
