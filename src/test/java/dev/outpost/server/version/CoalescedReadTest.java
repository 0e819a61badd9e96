package dev.outpost.server.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescedReadTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger reads = new AtomicInteger();

    private CoalescedRead<Integer> counting() {
        return new CoalescedRead<>(reads::incrementAndGet, now::get);
    }

    @Test
    void keepsAReadUntilACallerNeedsANewerOne() throws SQLException {
        CoalescedRead<Integer> read = counting();
        assertEquals(1, read.get(now.get()));
        now.addAndGet(500);
        assertEquals(1, read.get(now.get() - 1_000), "started 500 ago, 1000 allowed");
        now.addAndGet(600);
        assertEquals(2, read.get(now.get() - 1_000), "started 1100 ago: read again");
        assertEquals(2, reads.get());
    }

    @Test
    void aCallerAskingForAReadAfterItArrivedAlwaysGetsOne() throws SQLException {
        CoalescedRead<Integer> read = counting();
        assertEquals(1, read.get(now.get()));
        now.incrementAndGet();
        assertEquals(2, read.get(now.get()));
        now.incrementAndGet();
        assertEquals(3, read.get(now.get()));
    }

    @Test
    void aBurstOfCallersTriggersOneRead() throws Exception {
        CountDownLatch readStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CoalescedRead<Integer> read = new CoalescedRead<>(
                () -> {
                    readStarted.countDown();
                    await(release);
                    return reads.incrementAndGet();
                },
                now::get);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            long bound = now.get();
            List<Future<Integer>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> read.get(bound)));
            assertTrue(readStarted.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 15; i++) {
                answers.add(pool.submit(() -> read.get(bound)));
            }
            Thread.sleep(100); // let them queue behind the read in flight
            release.countDown();
            for (Future<Integer> answer : answers) {
                assertEquals(1, answer.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, reads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReadInFlightThatStartedBeforeTheCallersBoundIsNotUsed() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CoalescedRead<Integer> read = new CoalescedRead<>(
                () -> {
                    int n = reads.incrementAndGet();
                    if (n == 1) {
                        firstStarted.countDown();
                        await(release);
                    }
                    return n;
                },
                now::get);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> early = pool.submit(() -> read.get(now.get()));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            long later = now.addAndGet(10); // e.g. a changelog was applied after the first read started
            Future<Integer> late = pool.submit(() -> read.get(later));
            Thread.sleep(100);
            release.countDown();
            assertEquals(1, early.get(10, TimeUnit.SECONDS));
            assertEquals(2, late.get(10, TimeUnit.SECONDS), "waited for the read in flight, then read again");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedReadIsNotKept() throws SQLException {
        SQLException down = new SQLException("connection refused", "08001");
        CoalescedRead<Integer> read = new CoalescedRead<>(
                () -> {
                    if (reads.incrementAndGet() == 1) {
                        throw down;
                    }
                    return reads.get();
                },
                now::get);
        SQLException failure = assertThrows(SQLException.class, () -> read.get(now.get()));
        assertEquals("08001", failure.getSQLState());
        assertSame(down, failure.getCause());
        assertEquals(2, read.get(now.get() - 1_000), "the next caller reads again");
    }

    @Test
    void aCallerWithADeadlineGetsNothingFromAHangingReadWhichOneThreadRunsForEveryone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CoalescedRead<Integer> read = new CoalescedRead<>(
                () -> {
                    int n = reads.incrementAndGet();
                    await(release);
                    return n;
                },
                now::get);
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicInteger started = new AtomicInteger();
        Executor counted = task -> {
            started.incrementAndGet();
            pool.execute(task);
        };
        try {
            assertEquals(Optional.empty(), read.get(now.get() - 1_000, counted, 50));
            now.addAndGet(5_000); // the read in flight started before the next callers' bound: shared all the same
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                assertEquals(Optional.empty(), read.get(now.get() - 1_000, counted, 50));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "answered at its deadline");
            }
            assertEquals(1, started.get(), "one read started, however many callers gave up on it");
            release.countDown();
            assertEquals(Optional.of(1), read.get(now.get() - 10_000, counted, 10_000));
            assertEquals(1, started.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallerWithADeadlineReadsAgainOnceTheReadIsTooOld() {
        Executor inline = Runnable::run;
        CoalescedRead<Integer> read = counting();
        assertEquals(Optional.of(1), read.get(now.get() - 1_000, inline, 1_000));
        now.addAndGet(500);
        assertEquals(Optional.of(1), read.get(now.get() - 1_000, inline, 1_000), "started 500 ago, 1000 allowed");
        now.addAndGet(600);
        assertEquals(Optional.of(2), read.get(now.get() - 1_000, inline, 1_000), "started 1100 ago: read again");
    }

    @Test
    void aCallerWithADeadlineGetsNothingFromAFailedReadAndTheNextOneReadsAgain() {
        Executor inline = Runnable::run;
        CoalescedRead<Integer> read = new CoalescedRead<>(
                () -> {
                    if (reads.incrementAndGet() == 1) {
                        throw new SQLException("connection refused", "08001");
                    }
                    return reads.get();
                },
                now::get);
        assertEquals(Optional.empty(), read.get(now.get(), inline, 1_000));
        assertEquals(Optional.of(2), read.get(now.get(), inline, 1_000));
    }

    @Test
    void aReadTheExecutorRefusesLeavesNoReadInFlight() {
        CoalescedRead<Integer> read = counting();
        Executor refusing = task -> {
            throw new RejectedExecutionException("shut down");
        };
        assertThrows(RejectedExecutionException.class, () -> read.get(now.get(), refusing, 1_000));
        assertEquals(Optional.of(1), read.get(now.get(), Runnable::run, 1_000), "the next caller reads");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
