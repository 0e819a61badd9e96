package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three formats of {@code outpost sql} on rows handed over one by one. */
class SqlOutputTest {
    @Test
    void csvQuotesCommasQuotesAndLineBreaksAsRfc4180Says() throws Exception {
        String csv = write(
                SqlOutput.Format.CSV,
                List.of("ID", "NAME"),
                new Object[] {1, "plain"},
                new Object[] {2, "a, b"},
                new Object[] {3, "say \"hi\""},
                new Object[] {4, "line one\nline two"},
                new Object[] {null, new byte[] {0, 1, (byte) 0xff}});
        assertEquals(
                "ID,NAME\r\n1,plain\r\n2,\"a, b\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"line one\nline two\"\r\n,AAH/\r\n",
                csv);
    }

    @Test
    void jsonWritesNumbersBooleansNullsAndBase64AndRenamesARepeatedLabel() throws Exception {
        String json = write(
                SqlOutput.Format.JSON,
                List.of("ID", "PRICE", "ACTIVE", "NAME", "AVATAR", "ID"),
                new Object[] {7L, new BigDecimal("12.50"), true, "Ærø \"x\"", new byte[] {1, 2}, 3.5f},
                new Object[] {8, null, false, null, null, Double.NaN});
        assertEquals(
                "[{\"ID\":7,\"PRICE\":12.50,\"ACTIVE\":true,\"NAME\":\"Ærø \\\"x\\\"\",\"AVATAR\":\"AQI=\",\"ID_2\":3.5},"
                        + "{\"ID\":8,\"PRICE\":null,\"ACTIVE\":false,\"NAME\":null,\"AVATAR\":null,\"ID_2\":\"NaN\"}]",
                json);
    }

    @Test
    void jsonOfNoRowsIsAnEmptyArray() throws Exception {
        assertEquals("[]", write(SqlOutput.Format.JSON, List.of("ID")));
    }

    @Test
    void tableSizesColumnsByItsFirstRowsAndCutsLaterOnes() throws Exception {
        StringWriter out = new StringWriter();
        SqlOutput table = new TableOutput(out, 2);
        table.begin(List.of("ID", "NAME"));
        table.row(new Object[] {1, "ann"});
        table.row(new Object[] {2, null});
        table.row(new Object[] {3, "bartholomew"});
        table.row(new Object[] {1234, "bo"});
        table.end(4);
        String n = System.lineSeparator();
        assertEquals(
                "ID | NAME" + n + "---+-----" + n + "1  | ann" + n + "2  | NULL" + n + "3  | b..." + n + "12 | bo" + n
                        + "(4 rows)" + n,
                out.toString());
    }

    @Test
    void aTableOfOneRowSaysRow() throws Exception {
        String n = System.lineSeparator();
        assertEquals(
                "1" + n + "-" + n + "x" + n + "(1 row)" + n,
                write(SqlOutput.Format.TABLE, List.of("1"), new Object[] {"x"}));
    }

    private static String write(SqlOutput.Format format, List<String> labels, Object[]... rows) throws Exception {
        StringWriter out = new StringWriter();
        SqlOutput output = format.to(out);
        output.begin(labels);
        for (Object[] row : rows) {
            output.row(row);
        }
        output.end(rows.length);
        return out.toString();
    }
}
