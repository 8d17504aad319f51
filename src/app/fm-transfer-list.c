/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-list.c: the Inbox (received) or Outbox (sent)
 *
 * A GtkListView over the transfers the server lists, so thousands of
 * transfers build only the rows on screen: the server's list (a
 * GListStore) → search filter → date sort → single selection. The
 * selected transfer opens in an FmTransferView beside the list (an
 * AdwLeaflet: one at a time in a narrow window). States: log in,
 * loading, empty, error (with Try Again), list.
 */
#define G_LOG_DOMAIN "fm-transfer-list"

#include <string.h>

#include <glib/gi18n.h>

#include "fm-a11y.h"
#include "fm-error.h"
#include "fm-format.h"
#include "fm-details-loader.h"
#include "fm-transfer-list-private.h"
#include "fm-transfer-view.h"
#include "fm-upload-row.h"

#define STALE_AFTER_US (60 * G_USEC_PER_SEC)


G_DEFINE_FINAL_TYPE (FmTransferList, fm_transfer_list, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_KIND,
  PROP_INCLUDE_EXPIRED,
  PROP_ALL_USERS,
  PROP_DETAILS_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
_fm_transfer_list_is_sent (FmTransferList *self)
{
  return g_strcmp0 (self->kind, "sent") == 0;
}

static void replace_keeping_selection (FmTransferList *self,
                                       GPtrArray      *items);

/* "links": what was opened by link on this computer (fm-link-history.h),
 * with or without a login */
static gboolean
is_links (FmTransferList *self)
{
  return g_strcmp0 (self->kind, "links") == 0;
}

static void
refresh_links (FmTransferList *self)
{
  FmLinkHistory *history = fm_session_get_link_history (self->session);
  g_autoptr(GListModel) list = history != NULL
    ? fm_link_history_list (history, fm_client_get_base_url (fm_session_get_client (self->session))) : NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (items, g_list_model_get_item (list, i));
  self->loaded_at = g_get_monotonic_time ();
  replace_keeping_selection (self, items);
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
}

const char *
fm_transfer_list_get_state (FmTransferList *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
fm_transfer_list_get_model (FmTransferList *self)
{
  return G_LIST_MODEL (self->transfers);
}

/* The Outbox's uploads not yet sent (NULL for the Inbox). */
GListModel *
fm_transfer_list_get_uploads (FmTransferList *self)
{
  return G_LIST_MODEL (self->unfinished);
}

gboolean
fm_transfer_list_is_loading (FmTransferList *self)
{
  return self->loading;
}

GListModel *
fm_transfer_list_get_shown (FmTransferList *self)
{
  return G_LIST_MODEL (self->selection);
}

FmTransferView *
fm_transfer_list_get_view (FmTransferList *self)
{
  return self->view;
}

void
fm_transfer_list_select (FmTransferList *self,
                         guint           position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

/* Opens the transfer @id: now if listed, else as soon as a list (the
 * cache's or the server's) has it. The search is cleared so it shows. */
void
fm_transfer_list_select_id (FmTransferList *self,
                            const char     *id)
{
  GListModel *shown = G_LIST_MODEL (self->selection);

  fm_transfer_list_set_search (self, "");
  g_free (self->wanted_id);
  self->wanted_id = g_strdup (id);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (shown, i);

      if (fm_transfer_id_equal (fm_transfer_get_id (t), id))
        {
          g_clear_pointer (&self->wanted_id, g_free);
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

/* Microseconds from the server's answer in hand to the first frame drawn
 * with it (0 before that frame); for the list-scale test. */
gint64
fm_transfer_list_get_show_time (FmTransferList *self)
{
  return self->shown_at > self->answered_at ? self->shown_at - self->answered_at : 0;
}

static void search_changed_cb (FmTransferList *self);

/* As if typed, without the entry's typing delay. */
void
fm_transfer_list_set_search (FmTransferList *self,
                             const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  search_changed_cb (self);
}

static void
first_frame_cb (GdkFrameClock  *clock,
                FmTransferList *self)
{
  self->shown_at = g_get_monotonic_time ();
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
}

static FmTransfer *
selected (FmTransferList *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* New answers replace the list; the transfer open beside it stays open
 * when the server still lists it. */
static void
replace_keeping_selection (FmTransferList *self,
                           GPtrArray      *items)
{
  FmTransfer *open = selected (self);
  g_autofree char *id = self->wanted_id != NULL ? g_strdup (self->wanted_id)
                        : open ? g_strdup (fm_transfer_get_id (open)) : NULL;
  GListModel *shown = G_LIST_MODEL (self->selection);
  guint position = GTK_INVALID_LIST_POSITION;

  self->replacing = TRUE;
  g_list_store_splice (self->transfers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->transfers)),
                       items->pdata, items->len);
  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (shown, i);

      if (fm_transfer_id_equal (fm_transfer_get_id (t), id))
        {
          position = i;
          g_clear_pointer (&self->wanted_id, g_free);
          break;
        }
    }
  gtk_single_selection_set_selected (self->selection, position);
  self->replacing = FALSE;
  fm_transfer_view_show (self->view, selected (self));
}

static FmListKind
list_kind (FmTransferList *self)
{
  return _fm_transfer_list_is_sent (self) ? FM_LIST_SENT : FM_LIST_RECEIVED;
}

/* "Not refreshed yet" over a list from the cache, with its age; why, when
 * the refresh failed. */
static void
show_staleness (FmTransferList *self,
                const GError   *error)
{
  g_autofree char *date = NULL, *text = NULL, *why = NULL;

  gtk_revealer_set_reveal_child (self->stale_revealer, self->cached_at > 0);
  if (self->cached_at == 0)
    return;
  date = fm_format_date (self->cached_at);
  if (error == NULL)
    text = g_strdup_printf (_("Not refreshed yet: the list as it was on %s."), date);
  else
    {
      why = fm_error_describe (error);
      text = g_strdup_printf (_("The list as it was on %s. %s"), date, why);
    }
  gtk_label_set_label (self->stale_label, text);
}

static gboolean
save_cb (gpointer data)
{
  FmTransferList *self = data;
  FmListCache *cache = fm_session_get_list_cache (self->session);
  g_autofree char *key = fm_session_dup_account_key (self->session);

  self->save_id = 0;
  if (cache != NULL && key != NULL && self->cached_at == 0 && fm_session_is_logged_in (self->session))
    fm_list_cache_save (cache, key, list_kind (self), G_LIST_MODEL (self->transfers));
  return G_SOURCE_REMOVE;
}

/* What rows learn from transfer/get (senders, files) goes to the cache
 * too, a few seconds after the last of them. */
static void
schedule_save (FmTransferList *self)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add_seconds (3, save_cb, self);
}

static void load_whole_cache (FmTransferList *self);

/* A list from the cache: shown unless the server's answer came first, the
 * account changed, or (for the whole list) the list shown is not the
 * cache's first screen. */
static void
show_from_cache (FmTransferList *self,
                 GListModel     *list,
                 gint64          saved_at,
                 gboolean        first)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (list == NULL || g_cancellable_is_cancelled (self->cache_cancellable) || self->loaded_at != 0 ||
      (g_list_model_get_n_items (G_LIST_MODEL (self->transfers)) > 0 && !self->cached_first) ||
      !fm_session_is_logged_in (self->session))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (items, g_list_model_get_item (list, i));
  if (items->len == 0)
    return;
  self->cached_first = first;
  self->cached_at = MAX (saved_at, 1);
  replace_keeping_selection (self, items);
  gtk_stack_set_visible_child_name (self->stack, "list");
  show_staleness (self, NULL);
}

static void
cached_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FmTransferList) self = user_data;
  gint64 saved_at = 0;
  g_autoptr(GListModel) list = fm_list_cache_load_finish (FM_LIST_CACHE (source), result, &saved_at, NULL);

  show_from_cache (self, list, saved_at, FALSE);
  self->cached_first = FALSE;
}

/* The next frame starts after the one that drew the first screen: the
 * whole list is read from then on (in a worker; on two cores it would
 * otherwise slow that first frame down). */
static gboolean
cache_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  FmTransferList *self = FM_TRANSFER_LIST (widget);

  self->cache_tick = 0;
  load_whole_cache (self);
  return G_SOURCE_REMOVE;
}

static void
cached_first_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FmTransferList) self = user_data;
  gint64 saved_at = 0;
  g_autoptr(GListModel) list = fm_list_cache_load_finish (FM_LIST_CACHE (source), result, &saved_at, NULL);

  if (g_cancellable_is_cancelled (self->cache_cancellable))
    return;
  show_from_cache (self, list, saved_at, TRUE);
  /* no first screen kept (a cache of an older version): the whole list,
   * unless the server's answer came first */
  if (list == NULL && self->loaded_at == 0)
    load_whole_cache (self);
  else if (self->cached_first && self->cache_tick == 0)
    self->cache_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), cache_tick_cb, NULL, NULL);
}

static void
load_whole_cache (FmTransferList *self)
{
  FmListCache *cache = fm_session_get_list_cache (self->session);
  g_autofree char *key = fm_session_dup_account_key (self->session);

  if (cache == NULL || key == NULL || self->cache_cancellable == NULL ||
      g_cancellable_is_cancelled (self->cache_cancellable))
    return;
  fm_list_cache_load_async (cache, key, list_kind (self), self->cache_cancellable, cached_cb, g_object_ref (self));
}

/* At start (and after a login): the list as last seen, its first screen
 * at once (a small file of its own: the window's first frame can show
 * it), the rest after that first frame; both read in a worker. */
static void
show_cached (FmTransferList *self)
{
  FmListCache *cache = fm_session_get_list_cache (self->session);
  g_autofree char *key = fm_session_dup_account_key (self->session);

  g_cancellable_cancel (self->cache_cancellable);
  g_clear_object (&self->cache_cancellable);
  if (self->cache_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->cache_tick);
  self->cache_tick = 0;
  self->cached_first = FALSE;
  if (cache == NULL || key == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->transfers)) > 0)
    return;
  self->cache_cancellable = g_cancellable_new ();
  fm_list_cache_load_first_async (cache, key, list_kind (self), self->cache_cancellable, cached_first_cb,
                                  g_object_ref (self));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FmTransferList) self = user_data;
  g_autoptr(GError) error = NULL;
  FmClient *client = FM_CLIENT (source);
  g_autoptr(GListModel) list = _fm_transfer_list_is_sent (self) ? fm_client_sent_get_finish (client, result, &error)
                                              : fm_client_received_get_finish (client, result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !fm_session_is_logged_in (self->session))
    return;
  self->loading = FALSE;
  self->answered_at = g_get_monotonic_time ();
  self->shown_at = 0;
  if (list == NULL && fm_error_is_auth_expired (error))
    {
      /* the session drops the login; the list follows (account_changed_cb) */
      fm_session_report_error (self->session, error);
      gtk_stack_set_visible_child_name (self->stack, "login");
      return;
    }
  /* offline, say: the last known list stays, and says why it is old */
  if (list == NULL && self->cached_at > 0)
    {
      show_staleness (self, error);
      return;
    }
  if (list == NULL)
    {
      g_autofree char *described = fm_error_describe (error);
      g_autofree char *escaped = g_markup_escape_text (described, -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  /* a new list: its rows ask transfer/get again, once each */
  fm_details_loader_reset (self->details);
  if (_fm_transfer_list_is_sent (self) && fm_upload_queue_get_history (fm_session_get_queue (self->session)) != NULL)
    fm_sent_history_apply (fm_upload_queue_get_history (fm_session_get_queue (self->session)), list);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      FmTransfer *t = g_list_model_get_item (list, i);

      g_signal_connect_object (t, "notify::details-loaded", G_CALLBACK (schedule_save), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (items, t);
    }
  self->cached_at = 0;
  show_staleness (self, NULL);
  replace_keeping_selection (self, items);
  /* searchable from the desktop at once; kept on disk for the next start
   * a few seconds on: writing 10,000 transfers must not delay the frame
   * that shows them */
  if (fm_session_get_list_cache (self->session) != NULL)
    {
      g_autofree char *key = fm_session_dup_account_key (self->session);

      if (key != NULL)
        fm_list_cache_remember (fm_session_get_list_cache (self->session), key, list_kind (self),
                                G_LIST_MODEL (self->transfers));
    }
  schedule_save (self);
  self->loaded_at = g_get_monotonic_time ();
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
  if (gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                      G_CALLBACK (first_frame_cb), self);
}

void
fm_transfer_list_refresh (FmTransferList *self)
{
  FmClient *client;

  if (self->session == NULL)
    return;
  client = fm_session_get_client (self->session);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  if (is_links (self))
    {
      refresh_links (self);
      return;
    }
  if (!fm_session_is_logged_in (self->session))
    {
      g_list_store_remove_all (self->transfers);
      gtk_stack_set_visible_child_name (self->stack, "login");
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->transfers)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  if (_fm_transfer_list_is_sent (self))
    fm_client_sent_get_async (client, self->include_expired, self->all_users, self->cancellable,
                              loaded_cb, g_object_ref (self));
  else
    fm_client_received_get_async (client, self->all_users, 0, self->cancellable, loaded_cb, g_object_ref (self));
}

/* Shown or focused with data older than a minute: fetch again. */
void
fm_transfer_list_refresh_if_stale (FmTransferList *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (self->loaded_at == 0 || g_get_monotonic_time () - self->loaded_at > STALE_AFTER_US))
    fm_transfer_list_refresh (self);
}

/* Logged out, the page is one status page with Log In: no search, sort
 * or options for a list that is not there, no details pane. A login that
 * ran out clears what was shown. */
static void
account_changed_cb (FmTransferList *self)
{
  gboolean logged_in = fm_session_is_logged_in (self->session) || is_links (self);

  self->loaded_at = 0;
  self->cached_at = 0;
  /* what the last account's rows learnt is not the next one's to keep,
   * nor is its list still being read, or asked for: an answer that comes
   * after a logout must not be shown or kept under that account */
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_cancellable_cancel (self->cache_cancellable);
  g_cancellable_cancel (self->cancellable);
  self->loading = FALSE;
  show_staleness (self, NULL);
  fm_transfer_view_show (self->view, NULL);
  g_list_store_remove_all (self->transfers);
  gtk_widget_set_visible (self->toolbar, logged_in);
  gtk_widget_set_visible (self->separator, logged_in);
  gtk_widget_set_visible (self->view_pane, logged_in);
  gtk_widget_set_hexpand (self->list_pane, !logged_in);
  if (!logged_in)
    gtk_stack_set_visible_child_name (self->stack, "login");
  else if (is_links (self))
    refresh_links (self);
  else
    {
      show_cached (self);
      fm_transfer_list_refresh_if_stale (self);
    }
}

/* ------------------------------------------- the Outbox's own uploads */

static gboolean
unfinished_func (gpointer item,
                 gpointer user_data)
{
  FmUploadState state = fm_upload_job_get_state (item);

  return state != FM_UPLOAD_STATE_DONE && state != FM_UPLOAD_STATE_CANCELLED;
}

static void
job_state_cb (FmTransferList *self)
{
  gtk_filter_changed (GTK_FILTER (self->unfinished_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
queue_changed_cb (GListModel     *queue,
                  guint           position,
                  guint           removed,
                  guint           added,
                  FmTransferList *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      g_signal_connect_object (job, "notify::state", G_CALLBACK (job_state_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
unfinished_changed_cb (FmTransferList *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->uploads_list),
                          g_list_model_get_n_items (G_LIST_MODEL (self->unfinished)) > 0);
}

static GtkWidget *
create_upload_row (gpointer item,
                   gpointer user_data)
{
  return GTK_WIDGET (fm_upload_row_new (item, fm_session_get_queue (user_data)));
}

/* Uploads under way (and failed or paused ones) stand above the sent
 * transfers, with the same rows as on the Send page. */
static void
bind_uploads (FmTransferList *self)
{
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));

  self->unfinished_filter = gtk_custom_filter_new (unfinished_func, NULL, NULL);
  self->unfinished = gtk_filter_list_model_new (g_object_ref (queue), GTK_FILTER (self->unfinished_filter));
  g_signal_connect_object (queue, "items-changed", G_CALLBACK (queue_changed_cb), self, 0);
  queue_changed_cb (queue, 0, 0, g_list_model_get_n_items (queue), self);
  g_signal_connect_object (self->unfinished, "items-changed", G_CALLBACK (unfinished_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->uploads_list, G_LIST_MODEL (self->unfinished), create_upload_row,
                           self->session, NULL);
  unfinished_changed_cb (self);
}

/* The session whose lists this shows (once, right after the window is
 * built). */
void
fm_transfer_list_set_session (FmTransferList *self,
                              FmSession      *session)
{
  g_return_if_fail (self->session == NULL);
  self->session = g_object_ref (session);
  g_clear_object (&self->details);
  self->details = fm_details_loader_new (fm_session_get_client (session));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _fm_transfer_list_is_sent (self) ? _("Outbox")
                                  : is_links (self) ? _("Links") : _("Inbox"), -1);
  /* the Outbox's rows name recipients, the Inbox's senders */
  g_object_set (self->search_entry, "placeholder-text",
                _fm_transfer_list_is_sent (self) ? _("Search subject or recipients") : _("Search sender or subject"), NULL);
  fm_transfer_view_setup (self->view, session, _fm_transfer_list_is_sent (self));
  if (_fm_transfer_list_is_sent (self))
    bind_uploads (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.show-expired", _fm_transfer_list_is_sent (self));
  g_signal_connect_object (session, "notify::account-email", G_CALLBACK (account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_status_page_set_description (self->login_page, _fm_transfer_list_is_sent (self)
    ? _("Log in to see the transfers you sent, how often they were downloaded, and when they expire.")
    : _("Log in to see the transfers sent to you."));
  adw_status_page_set_title (self->empty_page, _fm_transfer_list_is_sent (self) ? _("Nothing Sent Yet") : _("Nothing Received Yet"));
  if (is_links (self))
    {
      /* a recipient with only an e-mail: no account, no Inbox, a link */
      adw_status_page_set_icon_name (self->empty_page, "insert-link-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Links Opened Yet"));
      adw_status_page_set_description (self->empty_page,
        _("Got a Filemail link by e-mail? Paste it here with Ctrl+V, drop it on this window, "
          "or choose Open Link (Ctrl+L). No account is needed."));
      fm_transfer_view_set_remembered (self->view, TRUE);
      if (fm_session_get_link_history (session) != NULL)
        g_signal_connect_object (fm_session_get_link_history (session), "changed",
                                 G_CALLBACK (refresh_links), self, G_CONNECT_SWAPPED);
    }
  account_changed_cb (self);
}

/* ------------------------------------------- search, sort, selection */

static gboolean
contains_casefolded (const char *haystack,
                     const char *needle)
{
  g_autofree char *folded = haystack ? g_utf8_casefold (haystack, -1) : NULL;

  return folded != NULL && strstr (folded, needle) != NULL;
}

/* The search matches the subject and what is known of the sender, the
 * recipients and the files. */
static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  FmTransferList *self = user_data;
  FmTransfer *t = item;
  const char * const *to = fm_transfer_get_to (t);

  if (self->search == NULL || *self->search == '\0')
    return TRUE;
  if (contains_casefolded (fm_transfer_get_subject (t), self->search) ||
      contains_casefolded (fm_transfer_get_from (t), self->search))
    return TRUE;
  for (guint i = 0; to != NULL && to[i] != NULL; i++)
    if (contains_casefolded (to[i], self->search))
      return TRUE;
  /* and, once transfer/get answered, the file names */
  for (guint i = 0; i < fm_transfer_get_n_files (t); i++)
    {
      g_autoptr(FmTransferFile) f = g_list_model_get_item (fm_transfer_get_files (t), i);

      if (contains_casefolded (fm_transfer_file_get_filename (f), self->search))
        return TRUE;
    }
  return FALSE;
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  FmTransferList *self = user_data;
  gint64 da = is_links (self) ? 0 : fm_transfer_get_sent_date ((FmTransfer *) a);
  gint64 db = is_links (self) ? 0 : fm_transfer_get_sent_date ((FmTransfer *) b);
  int order = (da > db) - (da < db);

  return gtk_toggle_button_get_active (self->oldest_first_button) ? order : -order;
}

static void
search_changed_cb (FmTransferList *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
sort_toggled_cb (FmTransferList *self)
{
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_INVERTED);
}


static void
selected_cb (FmTransferList *self)
{
  FmTransfer *t = selected (self);

  if (self->replacing)
    return;
  fm_transfer_view_show (self->view, t);
  if (t != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->view_pane);
  _fm_transfer_list_update_details_title (self);
}

static void
back_clicked_cb (FmTransferList *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}


/* Alt+Left and Escape in a narrow window: from a transfer back to the
 * list. FALSE when there is nowhere to go back to. */
gboolean
fm_transfer_list_go_back (FmTransferList *self)
{
  if (!adw_leaflet_get_folded (self->leaflet) ||
      adw_leaflet_get_visible_child (self->leaflet) != self->view_pane)
    return FALSE;
  back_clicked_cb (self);
  return TRUE;
}

/* Ctrl+F: the search field, when there is a list to search. */
gboolean
fm_transfer_list_focus_search (FmTransferList *self)
{
  if (!gtk_widget_get_visible (self->toolbar))
    return FALSE;
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
view_deleted_cb (FmTransferList *self,
                 FmTransfer     *gone)
{
  GListModel *all = G_LIST_MODEL (self->transfers);

  /* gone from the server: gone from the list, now (by id: the list may
   * have been refreshed since the deletion started) */
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (all, i);

      if (fm_transfer_id_equal (fm_transfer_get_id (t), fm_transfer_get_id (gone)))
        {
          g_list_store_remove (self->transfers, i);
          break;
        }
    }
  if (selected (self) == NULL)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
view_changed_cb (FmTransferList *self)
{
  fm_transfer_list_refresh (self);
  _fm_transfer_list_update_details_title (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  fm_transfer_list_refresh (FM_TRANSFER_LIST (widget));
}

/* ---------------------------------------------------------- GObject */

static void
fm_transfer_list_dispose (GObject *object)
{
  FmTransferList *self = FM_TRANSFER_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->details_idle, g_source_remove);
  g_cancellable_cancel (self->cache_cancellable);
  g_clear_object (&self->cache_cancellable);
  if (self->cache_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->cache_tick);
  self->cache_tick = 0;
  /* what rows learnt is kept for the next start */
  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      save_cb (self);
    }
  if (self->details != NULL)
    fm_details_loader_reset (self->details);
  g_clear_object (&self->details);
  g_clear_handle_id (&self->visible_id, g_source_remove);
  if (gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)), first_frame_cb, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->transfers);
  g_clear_object (&self->unfinished);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_TRANSFER_LIST);
  G_OBJECT_CLASS (fm_transfer_list_parent_class)->dispose (object);
}

static void
fm_transfer_list_finalize (GObject *object)
{
  g_free (FM_TRANSFER_LIST (object)->kind);
  g_free (FM_TRANSFER_LIST (object)->search);
  g_free (FM_TRANSFER_LIST (object)->wanted_id);
  g_free (FM_TRANSFER_LIST (object)->details_title);
  g_clear_pointer (&FM_TRANSFER_LIST (object)->bound, g_hash_table_unref);
  G_OBJECT_CLASS (fm_transfer_list_parent_class)->finalize (object);
}

static void
fm_transfer_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_KIND: g_value_set_string (value, FM_TRANSFER_LIST (object)->kind); break;
    case PROP_INCLUDE_EXPIRED: g_value_set_boolean (value, FM_TRANSFER_LIST (object)->include_expired); break;
    case PROP_ALL_USERS: g_value_set_boolean (value, FM_TRANSFER_LIST (object)->all_users); break;
    case PROP_DETAILS_TITLE: g_value_set_string (value, FM_TRANSFER_LIST (object)->details_title); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_transfer_list_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_KIND:
      g_free (FM_TRANSFER_LIST (object)->kind);
      FM_TRANSFER_LIST (object)->kind = g_value_dup_string (value);
      break;
    case PROP_INCLUDE_EXPIRED:
      FM_TRANSFER_LIST (object)->include_expired = g_value_get_boolean (value);
      fm_transfer_list_refresh (FM_TRANSFER_LIST (object));
      break;
    case PROP_ALL_USERS:
      FM_TRANSFER_LIST (object)->all_users = g_value_get_boolean (value);
      fm_transfer_list_refresh (FM_TRANSFER_LIST (object));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
login_clicked_cb (FmTransferList *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.login", NULL);
}

static void
fm_transfer_list_class_init (FmTransferListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_transfer_list_dispose;
  object_class->finalize = fm_transfer_list_finalize;
  object_class->get_property = fm_transfer_list_get_property;
  object_class->set_property = fm_transfer_list_set_property;
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, "received",
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /* for sent/get: getexpired; for both lists: getforallusers (company
   * administrators; anyone else gets the server's 2008 sentence) */
  properties[PROP_INCLUDE_EXPIRED] = g_param_spec_boolean ("include-expired", NULL, NULL, FALSE,
                                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALL_USERS] = g_param_spec_boolean ("all-users", NULL, NULL, FALSE,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS_TITLE] = g_param_spec_string ("details-title", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->size_allocate = _fm_transfer_list_size_allocate;
  widget_class->measure = _fm_transfer_list_measure;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-transfer-list.ui");
  g_type_ensure (FM_TYPE_TRANSFER_VIEW);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, uploads_list);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, oldest_first_button);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, view_pane);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, toolbar);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, list_pane);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, separator);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, view);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, stack);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, stale_label);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, login_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, error_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, fm_transfer_list_refresh);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sort_toggled_cb);
  gtk_widget_class_install_property_action (widget_class, "list.show-expired", "include-expired");
  gtk_widget_class_install_property_action (widget_class, "list.all-users", "all-users");
  gtk_widget_class_install_action (widget_class, "list.refresh", NULL, refresh_action);
}

static void
fm_transfer_list_init (FmTransferList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  fm_a11y_hide_when_closed (self->stale_revealer);
  self->transfers = g_list_store_new (FM_TYPE_TRANSFER);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->transfers)), GTK_FILTER (self->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered), GTK_SORTER (self->sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selected_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (_fm_transfer_list_setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (_fm_transfer_list_bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (_fm_transfer_list_unbind_row_cb), self);
  self->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), "value-changed",
                           G_CALLBACK (_fm_transfer_list_schedule_visible_check), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), "changed",
                           G_CALLBACK (_fm_transfer_list_schedule_visible_check), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (g_object_ref (self->selection)));
  g_signal_connect_object (self->view, "deleted", G_CALLBACK (view_deleted_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "changed", G_CALLBACK (view_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self, "map", G_CALLBACK (fm_transfer_list_refresh_if_stale), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (_fm_transfer_list_leaflet_changed_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (_fm_transfer_list_leaflet_changed_cb), self);
}
