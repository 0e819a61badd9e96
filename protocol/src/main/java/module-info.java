/**
 * The wire contract shared by the Outpost server and its clients: paths, media types, the JSON
 * documents as records, the streamed row and change formats. No dependencies beyond {@code java.base}.
 */
module dev.outpost.protocol {
    exports dev.outpost.protocol;
}
