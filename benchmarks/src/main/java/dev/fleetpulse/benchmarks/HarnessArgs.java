package dev.fleetpulse.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} arguments of a harness, with defaults; unknown names fail at once with the known ones. */
final class HarnessArgs {

    private final Map<String, String> values = new HashMap<>();

    private HarnessArgs(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got '" + arg + "' in "
                        + Arrays.toString(args));
            }
            String name = arg.substring(2);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("Unknown argument --" + name + "; known: --"
                        + String.join(", --", known.stream().sorted().toList()));
            }
            values.put(name, args[++i]);
        }
    }

    static HarnessArgs parse(String[] args, String... known) {
        return new HarnessArgs(args, Set.of(known));
    }

    /** A count; underscores allowed ({@code 5_000_000}), as well as a {@code k} or {@code M} suffix. */
    long count(String name, long defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        String text = raw.replace("_", "");
        long factor = 1;
        if (text.endsWith("M")) {
            factor = 1_000_000;
            text = text.substring(0, text.length() - 1);
        } else if (text.endsWith("k")) {
            factor = 1_000;
            text = text.substring(0, text.length() - 1);
        }
        return Long.parseLong(text) * factor;
    }

    double decimal(String name, double defaultValue) {
        String raw = values.get(name);
        return raw == null ? defaultValue : Double.parseDouble(raw);
    }

    String text(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    /** A comma-separated list of integers, e.g. {@code --parallelism 1,2}. */
    List<Integer> ints(String name, List<Integer> defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        List<Integer> list = new ArrayList<>();
        for (String part : raw.split(",")) {
            list.add(Integer.parseInt(part.strip()));
        }
        return list;
    }
}
