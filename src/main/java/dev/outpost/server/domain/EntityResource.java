package dev.outpost.server.domain;

import dev.outpost.server.input.JsonInput;
import dev.outpost.server.problem.BodyTooLargeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.Set;

/**
 * Create, read, update and delete for one entity type: a strictly read JSON body in, a record out.
 *
 * <p>An answer never claims more than PostgreSQL stored: every write is flushed inside its
 * transaction and the row is then read back ({@code refresh}), so the answer shows the stored values
 * (the column's scale, the timestamp's precision, defaults) and a constraint violation is reported as
 * a problem rather than surfacing at commit. Input is checked against the columns before it is
 * written ({@link JsonInput}), so that PostgreSQL has nothing to round, truncate or refuse.
 *
 * @param <E> the entity
 * @param <V> what the API returns for one
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public abstract class EntityResource<E, V> {
    private final Class<E> type;
    private final Set<String> fields;

    @PersistenceContext(unitName = "outpost")
    private EntityManager em;

    /** @param fields the members a request body may have */
    EntityResource(Class<E> type, Set<String> fields) {
        this.type = type;
        this.fields = fields;
    }

    /** A new entity holding the input (and whatever the server sets on creation). */
    abstract E newEntity(JsonInput input);

    /** Copies the input onto an existing entity, checking it. */
    abstract void apply(JsonInput input, E entity);

    abstract V view(E entity);

    abstract long id(E entity);

    @POST
    @Transactional
    public Response create(InputStream body, @Context UriInfo request) throws BodyTooLargeException {
        E entity = newEntity(JsonInput.read(body, fields));
        em.persist(entity);
        V stored = storedView(entity);
        URI location =
                request.getAbsolutePathBuilder().path(Long.toString(id(entity))).build();
        return Response.created(location).entity(stored).build();
    }

    @GET
    @Path("{id}")
    public V get(@PathParam("id") long id) {
        return view(Entities.find(em, type, id));
    }

    @PUT
    @Path("{id}")
    @Transactional
    public V update(@PathParam("id") long id, InputStream body) throws BodyTooLargeException {
        JsonInput input = JsonInput.read(body, fields);
        E entity = Entities.find(em, type, id);
        apply(input, entity);
        return storedView(entity);
    }

    @DELETE
    @Path("{id}")
    @Transactional
    public Response delete(@PathParam("id") long id) {
        em.remove(Entities.find(em, type, id));
        em.flush();
        return Response.noContent().build();
    }

    /** Writes the entity and answers with its row as PostgreSQL holds it now. */
    private V storedView(E entity) {
        em.flush();
        em.refresh(entity);
        return view(entity);
    }
}
