package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.WRITE_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.ServerLog;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write API on a real server over a real PostgreSQL: answers are the rows as PostgreSQL stored
 * them (read back here by JDBC), and input PostgreSQL would change or refuse is a 4xx problem naming
 * the field, never a 500 and never an error line in the server's log. Runs on Payara Micro here and
 * on WildFly in the wildfly-it module.
 */
@ExtendWith(ArquillianExtension.class)
public class WriteApiIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String COMPANIES = "api/companies";
    private static final String USERS = "api/users";

    /** A company as the API answers it. */
    public record CompanyAnswer(
            long id, String name, BigDecimal creditLimit, String country, OffsetDateTime createdAt) {}

    /** A user as the API answers it. */
    public record UserAnswer(
            long id,
            long companyId,
            String email,
            String displayName,
            boolean active,
            LocalDate birthDate,
            String phone,
            OffsetDateTime createdAt) {}

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    private ApiCalls api;
    private final ServerLog log = ServerLog.of();
    private long logMark;

    @BeforeEach
    void client() throws Exception {
        api = new ApiCalls(base.toURI());
        logMark = log.mark();
    }

    @AfterEach
    void nothingLoggedAsAnError() throws InterruptedException {
        log.assertNoErrorsSince(logMark);
    }

    @Test
    void answersCarryTheRowAsPostgresStoredIt() throws Exception {
        // 1e3 is stored as 1000.00, a timestamp with nanoseconds as microseconds
        CompanyAnswer created = created(
                api.postJson(COMPANIES, WRITE_TOKEN, "{\"name\":\"" + unique("Stored") + "\",\"creditLimit\":1e3}"),
                CompanyAnswer.class);
        assertEquals(new BigDecimal("1000.00"), created.creditLimit());
        assertStored(created);

        HttpResponse<String> updated = api.putJson(
                COMPANIES + "/" + created.id(),
                WRITE_TOKEN,
                "{\"name\":\"" + created.name() + "\",\"creditLimit\":-0.5,\"country\":\"NL\"}");
        assertEquals(200, updated.statusCode(), updated.body());
        CompanyAnswer changed = JSON.fromJson(updated.body(), CompanyAnswer.class);
        assertEquals(new BigDecimal("-0.50"), changed.creditLimit());
        assertStored(changed);

        // 200 characters of two UTF-16 units each fit varchar(200); the earliest and latest dates accepted
        String wide = "\uD83D\uDE00".repeat(200);
        for (String date : new String[] {"0001-01-01", "9999-12-31"}) {
            UserAnswer user = created(
                    api.postJson(
                            USERS,
                            WRITE_TOKEN,
                            "{\"companyId\":" + created.id() + ",\"email\":\"" + unique("wide") + "@x.test\""
                                    + ",\"displayName\":\"" + wide + "\",\"active\":false,\"birthDate\":\"" + date
                                    + "\"}"),
                    UserAnswer.class);
            assertEquals(wide, user.displayName());
            assertEquals(LocalDate.parse(date), user.birthDate());
            assertFalse(user.active());
            assertStored(user);
        }
    }

    @Test
    void valuesPostgresWouldRoundOrRefuseAreRefusedNamingTheField() throws Exception {
        long company = created(
                        api.postJson(COMPANIES, WRITE_TOKEN, "{\"name\":\"" + unique("Refusals") + "\"}"),
                        CompanyAnswer.class)
                .id();
        String name = unique("Refused");
        refused(COMPANIES, "{\"name\":\"" + name + "\",\"creditLimit\":1e999999999}", "creditLimit");
        refused(COMPANIES, "{\"name\":\"" + name + "\",\"creditLimit\":1.005}", "creditLimit");
        refused(COMPANIES, "{\"name\":\"" + name + "\",\"creditLimit\":1e-999999999}", "creditLimit");
        refused(COMPANIES, "{\"name\":\"" + name + "\",\"creditLimit\":12345678901}", "creditLimit");
        refused(COMPANIES, "{\"name\":\"" + "n".repeat(201) + "\"}", "name");
        refused(COMPANIES, "{\"name\":\"" + name + "\\u0000\"}", "name");
        refused(COMPANIES, "{\"name\":\"" + name + "\\ud800\"}", "name");
        refused(COMPANIES, "{\"name\":\"" + name + "\",\"country\":\"N\"}", "country");
        String user = "{\"companyId\":" + company + ",\"email\":\"" + unique("refused") + "@x.test\"";
        refused(USERS, user + ",\"birthDate\":\"+10000-01-01\"}", "birthDate");
        refused(USERS, user + ",\"birthDate\":\"0000-12-31\"}", "birthDate");
        refused(USERS, user + ",\"birthDate\":\"2023-02-29\"}", "birthDate");
        refused(USERS, user + ",\"phone\":\"" + "1".repeat(41) + "\"}", "phone");
        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement st = c.prepareStatement("select count(*) from companies where name like ?")) {
            st.setString(1, name + "%");
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "nothing refused was stored");
            }
        }
    }

    @Test
    void jsonTypesAreStrictAndUnknownFieldsAreRefused() {
        String user = "{\"companyId\":1,\"email\":\"" + unique("strict") + "@x.test\"";
        refused(USERS, user + ",\"active\":\"maybe\"}", "active");
        refused(USERS, user + ",\"active\":1}", "active");
        refused(USERS, "{\"companyId\":1,\"email\":42}", "email");
        refused(USERS, "{\"companyId\":\"1\",\"email\":\"a@x.test\"}", "companyId");
        refused(USERS, "{\"companyId\":1.5,\"email\":\"a@x.test\"}", "companyId");
        refused(USERS, user + ",\"birthDate\":19900101}", "birthDate");
        refused(COMPANIES, "{\"name\":\"x\",\"creditLimit\":\"12.50\"}", "creditLimit");
        refused(COMPANIES, "{\"name\":\"x\",\"nmae\":\"y\"}", "unknown fields [nmae]");
        refused(COMPANIES, "{\"name\":\"x\",\"name\":\"y\"}", "the request body");
        refused(COMPANIES, "[{\"name\":\"x\"}]", "the request body");
        refused(COMPANIES, "{\"name\":", "the request body");
        byte[] latin1 = "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        problem(api.postJson(COMPANIES, WRITE_TOKEN, HttpRequest.BodyPublishers.ofByteArray(latin1)), 400);
    }

    @Test
    void conflictsNameTheFieldInOurOwnWords() {
        CompanyAnswer company = created(
                api.postJson(COMPANIES, WRITE_TOKEN, "{\"name\":\"" + unique("Conflicts") + "\"}"),
                CompanyAnswer.class);
        Problem missing = problem(
                api.postJson(USERS, WRITE_TOKEN, "{\"companyId\":999999999,\"email\":\"" + unique("fk") + "@x.test\"}"),
                409);
        assertTrue(missing.detail().startsWith("companyId:"), missing.detail());
        Problem sameName = problem(api.postJson(COMPANIES, WRITE_TOKEN, "{\"name\":\"" + company.name() + "\"}"), 409);
        assertTrue(sameName.detail().startsWith("name:"), sameName.detail());
        String email = unique("taken") + "@x.test";
        String user = "{\"companyId\":" + company.id() + ",\"email\":\"" + email + "\"}";
        created(api.postJson(USERS, WRITE_TOKEN, user), UserAnswer.class);
        Problem taken = problem(api.postJson(USERS, WRITE_TOKEN, user), 409);
        assertTrue(taken.detail().startsWith("email:"), taken.detail());
        Problem referenced = problem(api.delete(COMPANIES + "/" + company.id(), WRITE_TOKEN), 409);
        assertTrue(referenced.detail().contains("users"), referenced.detail());
        for (Problem p : new Problem[] {missing, sameName, taken, referenced}) {
            for (String postgres : new String[] {"violates", "Key (", "ERROR", "constraint \"", "public."}) {
                assertFalse(p.detail().contains(postgres), "PostgreSQL's own words: " + p.detail());
            }
        }
    }

    @Test
    void bodiesOverOneMebibyteAreRefusedWithOrWithoutContentLength() {
        // answered from the headers: the 20 MB are never sent
        ApiCalls.RawAnswer declared = api.postDeclaringLength(COMPANIES, WRITE_TOKEN, 20L * 1024 * 1024);
        assertEquals(413, declared.status(), declared.body());
        assertEquals(
                ProblemType.PAYLOAD_TOO_LARGE.uri(),
                JSON.fromJson(declared.body(), Problem.class).type());
        byte[] chunked = new byte[1024 * 1024 + 64 * 1024];
        Arrays.fill(chunked, (byte) ' ');
        HttpRequest.BodyPublisher noLength =
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked));
        assertEquals(-1, noLength.contentLength(), "sent chunked");
        Problem counted = problem(api.postJson(COMPANIES, WRITE_TOKEN, noLength), 413);
        assertEquals(ProblemType.PAYLOAD_TOO_LARGE.uri(), counted.type());
    }

    private void refused(String path, String json, String detailStart) {
        Problem p = problem(api.postJson(path, WRITE_TOKEN, json), 400);
        assertTrue(p.detail().startsWith(detailStart), json + " -> " + p.detail());
    }

    private static Problem problem(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(
                MediaTypes.PROBLEM_JSON,
                r.headers().firstValue("Content-Type").orElse("").split(";")[0],
                r.body());
        Problem p = JSON.fromJson(r.body(), Problem.class);
        assertEquals(status, p.status());
        return p;
    }

    private static <T> T created(HttpResponse<String> r, Class<T> type) {
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), type);
    }

    private static String unique(String prefix) {
        return prefix + " " + System.nanoTime();
    }

    private static void assertStored(CompanyAnswer answer) throws Exception {
        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement st = c.prepareStatement(
                        "select name, credit_limit, country, created_at from companies where id = ?")) {
            st.setLong(1, answer.id());
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(rs.getString(1), answer.name());
                assertEquals(rs.getBigDecimal(2), answer.creditLimit(), "credit limit as stored, scale included");
                assertEquals(rs.getString(3), answer.country());
                assertEquals(
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        answer.createdAt().toInstant());
            }
        }
    }

    private static void assertStored(UserAnswer answer) throws Exception {
        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement st = c.prepareStatement(
                        "select company_id, email, display_name, active, birth_date, phone, created_at from users where id = ?")) {
            st.setLong(1, answer.id());
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(rs.getLong(1), answer.companyId());
                assertEquals(rs.getString(2), answer.email());
                assertEquals(rs.getString(3), answer.displayName());
                assertEquals(rs.getBoolean(4), answer.active());
                assertEquals(rs.getObject(5, LocalDate.class), answer.birthDate());
                assertEquals(rs.getString(6), answer.phone());
                assertEquals(
                        rs.getObject(7, OffsetDateTime.class).toInstant(),
                        answer.createdAt().toInstant());
            }
        }
    }
}
