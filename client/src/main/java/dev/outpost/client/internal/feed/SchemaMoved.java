package dev.outpost.client.internal.feed;

/**
 * A change was made under a newer definition of its table than the replica has: the replica must
 * migrate before it applies more changes. Nothing of the unfinished Derby transaction was kept.
 */
final class SchemaMoved extends RuntimeException {
    SchemaMoved(String why) {
        super(why, null, false, false);
    }
}
