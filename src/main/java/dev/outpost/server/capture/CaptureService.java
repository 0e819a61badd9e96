package dev.outpost.server.capture;

import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the capture loop on a container-managed thread when the application starts (after Liquibase),
 * unless {@value OutpostSettings#CAPTURE_ENABLED} is false, and stops it with the application. Every
 * instance runs the loop; only the one holding the capture lock captures, the others stand by. With
 * {@value OutpostSettings#DROP_SLOT_ON_UNDEPLOY}, stopping also drops the replication slot if no other
 * instance is reading it.
 */
@Singleton
@Startup
@DependsOn("LiquibaseMigrator")
public class CaptureService {
    private static final Logger LOG = Logger.getLogger(CaptureService.class.getName());
    private static final long STOP_WAIT_MILLIS = 10_000;

    @Resource
    private ManagedThreadFactory threads;

    @Inject
    private OutpostSettings settings;

    @Inject
    private ChangeSignal signal;

    private ChangeCapture capture;

    @PostConstruct
    void start() {
        if (!settings.captureEnabled()) {
            LOG.log(
                    Level.INFO,
                    "change capture is disabled on this instance ({0}=false); it serves snapshots only",
                    OutpostSettings.CAPTURE_ENABLED);
            return;
        }
        capture = new ChangeCapture(CaptureConnections.of(settings.database()), settings.scope(), signal::stored);
        Thread thread = threads.newThread(capture);
        thread.setName("outpost-change-capture");
        thread.start();
    }

    @PreDestroy
    void stop() {
        if (capture != null) {
            capture.stop();
        }
        if (settings.dropSlotOnUndeploy()) {
            dropSlot();
        }
    }

    private void dropSlot() {
        try {
            if (capture != null && !capture.awaitEnd(STOP_WAIT_MILLIS)) {
                LOG.log(
                        Level.WARNING,
                        "change capture did not stop within {0} ms; slot left in place",
                        STOP_WAIT_MILLIS);
                return;
            }
            if (ChangeCapture.dropSlot(CaptureConnections.of(settings.database()))) {
                LOG.log(
                        Level.INFO,
                        "dropped the change feed''s replication slot ({0}=true)",
                        OutpostSettings.DROP_SLOT_ON_UNDEPLOY);
            } else {
                LOG.info("no idle replication slot of the change feed to drop: none exists, or another instance"
                        + " is reading it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.sql.SQLException e) {
            LOG.log(Level.WARNING, "could not drop the change feed''s replication slot: {0}", e.getMessage());
        }
    }
}
