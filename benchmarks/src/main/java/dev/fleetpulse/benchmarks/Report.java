package dev.fleetpulse.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every harness prints around its figures: the exact command, date, machine and load average at start and end,
 * and the figures as an aligned table.
 */
final class Report {

    private final String harness;
    private final List<String> header;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(String harness, String... header) {
        this.harness = harness;
        this.header = List.of(header);
    }

    /** Prints the command, date, cores, JVM flags and load average at start. */
    static void start(String harness, String[] args) {
        System.out.println("== " + harness);
        System.out.println("command:  benchmarks/run.sh " + harness
                + (args.length == 0 ? "" : " " + String.join(" ", args)));
        System.out.println("date:     " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.println("machine:  " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + Runtime.version() + ", harness JVM flags "
                + ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("load average at start: " + Machine.loadAverage());
    }

    /** Adds a row to the table, and prints it at once so a run that fails later still leaves its figures. */
    void row(Object... cells) {
        String[] row = Arrays.stream(cells).map(Report::format).toArray(String[]::new);
        rows.add(row);
        StringBuilder line = new StringBuilder("  figures:");
        for (int i = 0; i < row.length; i++) {
            line.append(' ').append(header.get(i)).append('=').append(row[i]).append(';');
        }
        System.out.println(line);
    }

    void note(String note) {
        notes.add(note);
    }

    /** As {@link #print()}, with the table in Markdown, ready to paste into docs/benchmarks.md. */
    void printMarkdown() {
        System.out.println();
        System.out.println("== " + harness + " figures");
        System.out.println("| " + String.join(" | ", header) + " |");
        System.out.println("|" + "---|".repeat(header.size()));
        rows.forEach(row -> System.out.println("| " + String.join(" | ", row) + " |"));
        printNotesAndLoad();
    }

    /** Prints the table, the notes and the load average at the end. */
    void print() {
        int[] widths = header.stream().mapToInt(String::length).toArray();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        System.out.println();
        System.out.println("== " + harness + " figures");
        printRow(header.toArray(String[]::new), widths);
        StringBuilder rule = new StringBuilder();
        for (int width : widths) {
            rule.append("-".repeat(width)).append("  ");
        }
        System.out.println(rule.toString().stripTrailing());
        rows.forEach(row -> printRow(row, widths));
        printNotesAndLoad();
    }

    private void printNotesAndLoad() {
        notes.forEach(note -> System.out.println("note: " + note));
        System.out.println("load average at end: " + Machine.loadAverage());
    }

    private static void printRow(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            line.append(" ".repeat(widths[i] - cell.length())).append(cell).append("  ");
        }
        System.out.println(line.toString().stripTrailing());
    }

    private static String format(Object cell) {
        if (cell instanceof Double d) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        if (cell instanceof Long || cell instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) cell).longValue());
        }
        return String.valueOf(cell);
    }
}
