package dev.outpost.server.operations;

import jakarta.ws.rs.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JAX-RS resource methods of a WAR file, found by reflection over its own classes (loaded with its
 * libraries), as {@code METHOD path} with the path relative to the application path and path
 * parameters without their patterns ({@code GET sync/tables/{table}/rows}). Reads the WAR that is
 * deployed, so the list is the deployed one whatever the test classpath holds.
 */
final class ResourceMethods {
    private ResourceMethods() {}

    static Set<String> of(java.io.File war) throws IOException {
        Path dir = Files.createTempDirectory("outpost-war");
        List<URL> urls = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        try (ZipFile zip = new ZipFile(war)) {
            for (ZipEntry e : zip.stream().toList()) {
                if (e.isDirectory() || !e.getName().startsWith("WEB-INF/")) {
                    continue;
                }
                Path target = dir.resolve(e.getName());
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target);
                }
                String name = e.getName();
                if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    urls.add(target.toUri().toURL());
                } else if (name.startsWith("WEB-INF/classes/")
                        && name.endsWith(".class")
                        // only classes that mention the annotation are loaded
                        && new String(Files.readAllBytes(target), StandardCharsets.ISO_8859_1)
                                .contains("jakarta/ws/rs/Path")) {
                    candidates.add(name.substring("WEB-INF/classes/".length(), name.length() - 6)
                            .replace('/', '.'));
                }
            }
        }
        urls.add(0, dir.resolve("WEB-INF/classes").toUri().toURL());
        Set<String> methods = new TreeSet<>();
        try (URLClassLoader loader =
                new URLClassLoader(urls.toArray(URL[]::new), ResourceMethods.class.getClassLoader())) {
            for (String name : candidates) {
                Class<?> type = Class.forName(name, false, loader);
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null || Modifier.isAbstract(type.getModifiers())) {
                    continue;
                }
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Method m : c.getDeclaredMethods()) {
                        String verb = httpMethod(m);
                        jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                        if (verb == null && sub != null) {
                            throw new IllegalStateException("a sub-resource locator, not checked: " + m);
                        }
                        if (verb != null && !m.isBridge()) {
                            methods.add(verb + " " + join(root.value(), sub == null ? "" : sub.value()));
                        }
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        } finally {
            deleteTree(dir);
        }
        return methods;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** Class and method paths joined, without outer slashes and without parameter patterns. */
    static String join(String root, String sub) {
        String path = (strip(root) + "/" + strip(sub)).replaceAll("/+$", "");
        return path.replaceAll("\\{\\s*([A-Za-z0-9_.-]+)\\s*:[^}]*}", "{$1}");
    }

    private static String strip(String p) {
        return p.replaceAll("^/+|/+$", "");
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
