package dev.fleetpulse.jobs.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The property groups a job is configured with, the way Amazon Managed Service for Apache Flink (MSF) provides them:
 * {@code [{"PropertyGroupId": "KafkaSource", "PropertyMap": {"bootstrap.servers": "..."}}, ...]}.
 *
 * <p>Where they come from, later sources winning key by key:
 * <ol>
 *   <li>the file given by {@code --config FILE}; without it, the MSF runtime properties when running on MSF;
 *       otherwise the job's bundled development file (a class-path resource, read as a stream so it works inside
 *       the jar);</li>
 *   <li>command-line overrides {@code --Group.key value}.</li>
 * </ol>
 * Other command-line options without a dot, such as {@code --web-ui}, are job flags, available from {@link #flags()}.
 */
public final class ApplicationProperties {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationProperties.class);
    private static final Set<String> FLAGS_WITH_VALUES = Set.of("config");

    private final Map<String, Map<String, String>> groups;
    private final Map<String, String> flags;
    private final String origin;

    private ApplicationProperties(Map<String, Map<String, String>> groups, Map<String, String> flags, String origin) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        groups.forEach((name, group) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(group))));
        this.groups = Collections.unmodifiableMap(copy);
        this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        this.origin = origin;
    }

    /** The class-path resource of each job's development defaults (Kafka and Prometheus on 127.0.0.1). */
    public static final String DEV_PROPERTIES = "/flink-application-properties-dev.json";

    /** Groups given directly, e.g. by tests. */
    public static ApplicationProperties of(Map<String, Map<String, String>> groups) {
        return new ApplicationProperties(groups, Map.of(), "in-memory");
    }

    /**
     * Loads the job's properties from the sources described in the class comment, with the job's
     * {@value #DEV_PROPERTIES} as the development defaults.
     *
     * @param args the job's command-line arguments
     */
    public static ApplicationProperties load(String[] args) throws IOException {
        return load(args, DEV_PROPERTIES);
    }

    /**
     * As {@link #load(String[])}, with the development defaults from another class-path resource.
     *
     * @param bundledResource class-path resource of the development defaults
     */
    public static ApplicationProperties load(String[] args, String bundledResource) throws IOException {
        CommandLine cli = CommandLine.parse(args);
        Map<String, Map<String, String>> groups;
        String origin;
        String configFile = cli.flags.get("config");
        if (configFile != null) {
            try (InputStream in = Files.newInputStream(Path.of(configFile))) {
                groups = parseJson(in, configFile);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("--config " + configFile + ": no such file", e);
            }
            origin = configFile;
        } else {
            Map<String, Map<String, String>> runtime = managedFlinkProperties();
            if (runtime != null) {
                groups = runtime;
                origin = "MSF runtime properties";
            } else {
                try (InputStream in = ApplicationProperties.class.getResourceAsStream(bundledResource)) {
                    if (in == null) {
                        throw new IOException("No --config FILE given and the bundled resource " + bundledResource
                                + " is not on the class path");
                    }
                    groups = parseJson(in, "classpath:" + bundledResource);
                }
                origin = "classpath:" + bundledResource;
            }
        }
        cli.overrides.forEach((group, entries) -> groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).putAll(entries));
        if (!cli.overrides.isEmpty()) {
            origin += " with command-line overrides";
        }
        LOG.info("Application properties from {}: groups {}", origin, groups.keySet());
        return new ApplicationProperties(groups, cli.flags, origin);
    }

    /**
     * The MSF runtime properties, or {@code null} when there are none. The runtime library answers an empty map when
     * its properties file is absent, which is how a job knows it is not running on MSF.
     */
    private static Map<String, Map<String, String>> managedFlinkProperties() throws IOException {
        Map<String, Properties> runtime = KinesisAnalyticsRuntime.getApplicationProperties();
        if (runtime.isEmpty()) {
            return null;
        }
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        runtime.forEach((name, props) -> {
            Map<String, String> group = new LinkedHashMap<>();
            props.stringPropertyNames().forEach(k -> group.put(k, props.getProperty(k)));
            groups.put(name, group);
        });
        return groups;
    }

    /** Parses the MSF JSON format; every value is kept as text, as MSF does. */
    static Map<String, Map<String, String>> parseJson(InputStream in, String sourceName) throws IOException {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(in)) {
            expect(p.nextToken() == JsonToken.START_ARRAY, sourceName, "expected a JSON array of property groups");
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String id = null;
                Map<String, String> map = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("PropertyGroupId".equals(field)) {
                        expect(value == JsonToken.VALUE_STRING, sourceName, "PropertyGroupId must be a string");
                        id = p.getText();
                    } else if ("PropertyMap".equals(field)) {
                        expect(value == JsonToken.START_OBJECT, sourceName, "PropertyMap must be an object");
                        map = new LinkedHashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            JsonToken v = p.nextToken();
                            expect(v.isScalarValue(), sourceName, "PropertyMap." + key + " must be a plain value");
                            map.put(key, p.getText());
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                expect(id != null, sourceName, "a property group has no PropertyGroupId");
                groups.computeIfAbsent(id, g -> new LinkedHashMap<>()).putAll(map == null ? Map.of() : map);
            }
            expect(p.currentToken() == JsonToken.END_ARRAY, sourceName, "expected a property group object");
        }
        return groups;
    }

    private static void expect(boolean condition, String sourceName, String message) throws IOException {
        if (!condition) {
            throw new IOException("Invalid application properties in " + sourceName + ": " + message);
        }
    }

    /** The named group's properties; empty when the group is absent. */
    public Map<String, String> group(String name) {
        return groups.getOrDefault(name, Map.of());
    }

    public Set<String> groupNames() {
        return groups.keySet();
    }

    /** Command-line options that are not property overrides, e.g. {@code web-ui -> "true"}. */
    public Map<String, String> flags() {
        return flags;
    }

    /** Where the properties came from, for the start-up log line. */
    public String origin() {
        return origin;
    }

    /** Command-line arguments split into property overrides and job flags. */
    private record CommandLine(Map<String, Map<String, String>> overrides, Map<String, String> flags) {

        static CommandLine parse(String[] args) {
            Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
            Map<String, String> flags = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--") || arg.length() == 2) {
                    throw new IllegalArgumentException("Unexpected argument '" + arg
                            + "': use --config FILE, --Group.key value, or a --flag");
                }
                String name = arg.substring(2);
                String inlineValue = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    inlineValue = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                int dot = name.indexOf('.');
                boolean isOverride = dot > 0 && dot < name.length() - 1;
                boolean hasNext = i + 1 < args.length && !args[i + 1].startsWith("--");
                String value;
                if (inlineValue != null) {
                    value = inlineValue;
                } else if (isOverride || FLAGS_WITH_VALUES.contains(name)) {
                    if (!hasNext) {
                        throw new IllegalArgumentException("Option --" + name + " needs a value");
                    }
                    value = args[++i];
                } else {
                    value = hasNext ? args[++i] : "true";
                }
                if (isOverride) {
                    overrides.computeIfAbsent(name.substring(0, dot), g -> new LinkedHashMap<>())
                            .put(name.substring(dot + 1), value);
                } else {
                    flags.put(name, value);
                }
            }
            return new CommandLine(overrides, flags);
        }
    }
}
