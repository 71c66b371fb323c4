package dev.fleetpulse.localstack.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs a test job class and its nested classes into a jar whose manifest names it, as a fat jar would. */
final class JobJars {

    private JobJars() {
    }

    static Path write(Path jar, Class<?> mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : withNestedClasses(mainClass)) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream bytes = type.getResourceAsStream("/" + entry)) {
                    if (bytes == null) {
                        throw new IOException("Class file " + entry + " is not on the test class path");
                    }
                    bytes.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<Class<?>> withNestedClasses(Class<?> type) {
        List<Class<?>> types = new ArrayList<>(List.of(type));
        for (Class<?> nested : type.getDeclaredClasses()) {
            types.addAll(withNestedClasses(nested));
        }
        return types;
    }
}
