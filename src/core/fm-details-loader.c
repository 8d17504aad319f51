/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-details-loader.c: transfer/get for the list items that are shown */
#define G_LOG_DOMAIN "fm-details-loader"

#include "fm-details-loader.h"
#include "fm-error.h"

struct _FmDetailsLoader
{
  GObject       parent_instance;

  FmClient     *client;
  GCancellable *cancellable;   /* this generation's requests */
  GQueue        pending;       /* FmTransfer, newest wish first */
  GHashTable   *asked;         /* id -> TRUE: requested in this generation */
  GHashTable   *errors;        /* id -> GError of its transfer/get */
  guint         in_flight;
  guint         max_in_flight; /* observed, for tests and benchmarks */
  guint         requests;      /* transfer/get calls made, ever */
};

G_DEFINE_FINAL_TYPE (FmDetailsLoader, fm_details_loader, G_TYPE_OBJECT)

enum {
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump (FmDetailsLoader *self);

static void
fm_details_loader_dispose (GObject *object)
{
  FmDetailsLoader *self = FM_DETAILS_LOADER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->pending, g_object_unref);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (fm_details_loader_parent_class)->dispose (object);
}

static void
fm_details_loader_finalize (GObject *object)
{
  FmDetailsLoader *self = FM_DETAILS_LOADER (object);

  g_hash_table_unref (self->asked);
  g_hash_table_unref (self->errors);
  G_OBJECT_CLASS (fm_details_loader_parent_class)->finalize (object);
}

static void
fm_details_loader_class_init (FmDetailsLoaderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_details_loader_dispose;
  G_OBJECT_CLASS (klass)->finalize = fm_details_loader_finalize;
  /* nothing queued and nothing in flight */
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fm_details_loader_init (FmDetailsLoader *self)
{
  g_queue_init (&self->pending);
  self->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_error_free);
  self->cancellable = g_cancellable_new ();
}

FmDetailsLoader *
fm_details_loader_new (FmClient *client)
{
  FmDetailsLoader *self = g_object_new (FM_TYPE_DETAILS_LOADER, NULL);

  self->client = g_object_ref (client);
  return self;
}

typedef struct {
  FmDetailsLoader *loader;
  FmTransfer      *transfer;
  GCancellable    *cancellable;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->loader);
  g_object_unref (request->transfer);
  g_object_unref (request->cancellable);
  g_free (request);
}

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Request *request = user_data;
  FmDetailsLoader *self = request->loader;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) details = fm_client_transfer_get_finish (FM_CLIENT (source), result, &error);
  gboolean current = request->cancellable == self->cancellable;

  if (current)
    self->in_flight--;
  if (details != NULL && current)
    fm_transfer_merge_details (request->transfer, details);
  else if (error != NULL && current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* a password-protected transfer, one deleted since: said once */
      g_hash_table_replace (self->errors, g_strdup (fm_transfer_get_id (request->transfer)),
                            g_steal_pointer (&error));
      g_object_notify (G_OBJECT (request->transfer), "details-loaded");
    }
  if (current)
    pump (self);
  request_free (request);
}

static void
pump (FmDetailsLoader *self)
{
  FmTransfer *transfer;

  while (self->in_flight < FM_DETAILS_MAX_IN_FLIGHT && (transfer = g_queue_pop_head (&self->pending)) != NULL)
    {
      Request *request = g_new0 (Request, 1);

      request->loader = g_object_ref (self);
      request->transfer = transfer;
      request->cancellable = g_object_ref (self->cancellable);
      self->in_flight++;
      self->requests++;
      self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
      fm_client_transfer_get_async (self->client, fm_transfer_get_id (transfer), NULL, request->cancellable,
                                    got_cb, request);
    }
  if (self->in_flight == 0)
    g_signal_emit (self, signals[SIGNAL_IDLE], 0);
}

/* A row of @transfer is shown: fetch its details soon, unless they are
 * in, or were asked for in this generation. */
void
fm_details_loader_want (FmDetailsLoader *self,
                        FmTransfer      *transfer)
{
  const char *id = fm_transfer_get_id (transfer);

  g_return_if_fail (FM_IS_DETAILS_LOADER (self));
  if (fm_transfer_get_details_loaded (transfer) || g_hash_table_contains (self->asked, id))
    return;
  g_hash_table_add (self->asked, g_strdup (id));
  g_queue_push_head (&self->pending, g_object_ref (transfer));
  pump (self);
}

/* Its row is gone from the screen: if it has not been asked yet, it is
 * not (a request in flight finishes; it is small). */
void
fm_details_loader_unwant (FmDetailsLoader *self,
                          FmTransfer      *transfer)
{
  GList *link = g_queue_find (&self->pending, transfer);

  g_return_if_fail (FM_IS_DETAILS_LOADER (self));
  if (link == NULL)
    return;
  g_hash_table_remove (self->asked, fm_transfer_get_id (transfer));
  g_object_unref (link->data);
  g_queue_delete_link (&self->pending, link);
}

/* A new list: every request of the old one stops, everything may be asked
 * again. */
void
fm_details_loader_reset (FmDetailsLoader *self)
{
  g_return_if_fail (FM_IS_DETAILS_LOADER (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->in_flight = 0;
  g_queue_clear_full (&self->pending, g_object_unref);
  g_hash_table_remove_all (self->asked);
  g_hash_table_remove_all (self->errors);
}

gboolean
fm_details_loader_is_idle (FmDetailsLoader *self)
{
  return self->in_flight == 0 && g_queue_is_empty (&self->pending);
}

guint
fm_details_loader_get_requests (FmDetailsLoader *self)
{
  return self->requests;
}

guint
fm_details_loader_get_max_in_flight (FmDetailsLoader *self)
{
  return self->max_in_flight;
}

/* Why transfer/get failed for @transfer in this generation, or NULL. */
const GError *
fm_details_loader_get_error (FmDetailsLoader *self,
                             FmTransfer      *transfer)
{
  return g_hash_table_lookup (self->errors, fm_transfer_get_id (transfer));
}
