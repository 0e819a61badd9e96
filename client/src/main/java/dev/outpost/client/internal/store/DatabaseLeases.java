package dev.outpost.client.internal.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Counts the open reader connections of each database, so that a database replaced by a rebuild is
 * shut down and deleted only when its last connection is closed. A reader thus keeps a consistent
 * view of one version for as long as it holds its connection, and is never broken by a migration.
 */
final class DatabaseLeases {
    private final Map<Path, Integer> open = new HashMap<>();
    private final Set<Path> retired = new HashSet<>();
    private final Consumer<Path> release;

    /** @param release shuts down and deletes a retired database nobody uses any more */
    DatabaseLeases(Consumer<Path> release) {
        this.release = release;
    }

    /** Wraps a new connection to {@code db}; closing the wrapper ends the lease. */
    synchronized Connection lease(Path db, Connection connection) {
        open.merge(db, 1, Integer::sum);
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new Lease(db, connection));
    }

    /** {@code db} is no longer current: release it now, or when its last connection closes. */
    void retire(Path db) {
        boolean unused;
        synchronized (this) {
            unused = !open.containsKey(db);
            if (!unused) {
                retired.add(db);
            }
        }
        if (unused) {
            release.accept(db);
        }
    }

    /** Releases every retired database at once (the replica is closing). */
    void releaseAll() {
        Set<Path> all;
        synchronized (this) {
            all = Set.copyOf(retired);
            retired.clear();
            open.clear();
        }
        all.forEach(release);
    }

    private void ended(Path db) {
        boolean release;
        synchronized (this) {
            int left = open.merge(db, -1, Integer::sum);
            if (left > 0) {
                return;
            }
            open.remove(db);
            release = retired.remove(db);
        }
        if (release) {
            this.release.accept(db);
        }
    }

    private final class Lease implements InvocationHandler {
        private final Path db;
        private final Connection target;
        private boolean closed;

        Lease(Path db, Connection target) {
            this.db = db;
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                boolean first;
                synchronized (this) {
                    first = !closed;
                    closed = true;
                }
                try {
                    target.close();
                } finally {
                    if (first) {
                        ended(db);
                    }
                }
                return null;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
