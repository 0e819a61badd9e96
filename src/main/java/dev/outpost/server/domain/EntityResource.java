package dev.outpost.server.domain;

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
import java.net.URI;

/**
 * Create, read, update and delete for one entity type, with records in and out. Every write is
 * flushed inside its transaction, so a constraint violation is reported as a 409 problem by the
 * exception mapper rather than surfacing at commit.
 *
 * @param <E> the entity
 * @param <I> what a client sends to create or update one
 * @param <V> what the API returns for one
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public abstract class EntityResource<E, I, V> {
    private final Class<E> type;

    @PersistenceContext(unitName = "outpost")
    private EntityManager em;

    EntityResource(Class<E> type) {
        this.type = type;
    }

    /** A new entity holding the input (and whatever the server sets on creation). */
    abstract E newEntity(I input);

    /** Copies the input onto an existing entity, checking it. */
    abstract void apply(I input, E entity);

    abstract V view(E entity);

    abstract long id(E entity);

    @POST
    @Transactional
    public Response create(I input, @Context UriInfo request) {
        E entity = newEntity(input);
        em.persist(entity);
        em.flush();
        URI location =
                request.getAbsolutePathBuilder().path(Long.toString(id(entity))).build();
        return Response.created(location).entity(view(entity)).build();
    }

    @GET
    @Path("{id}")
    public V get(@PathParam("id") long id) {
        return view(Entities.find(em, type, id));
    }

    @PUT
    @Path("{id}")
    @Transactional
    public V update(@PathParam("id") long id, I input) {
        E entity = Entities.find(em, type, id);
        apply(input, entity);
        em.flush();
        return view(entity);
    }

    @DELETE
    @Path("{id}")
    @Transactional
    public Response delete(@PathParam("id") long id) {
        em.remove(Entities.find(em, type, id));
        em.flush();
        return Response.noContent().build();
    }
}
