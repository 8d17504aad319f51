/* fm-transfer-list.c: the Inbox (received) or Outbox (sent) list
 *
 * A GtkListView over the transfers the server lists, so thousands of
 * transfers build only the rows on screen. States: log in, loading,
 * empty, error (with Try Again), list.
 */
#define G_LOG_DOMAIN "fm-transfer-list"

#include <glib/gi18n.h>

#include "fm-error.h"
#include "fm-transfer-list.h"

#define STALE_AFTER_US (60 * G_USEC_PER_SEC)

struct _FmTransferList
{
  AdwBin          parent_instance;

  FmApplication  *application;
  char           *kind;          /* "sent" or "received" */
  GListStore     *transfers;
  GCancellable   *cancellable;
  gint64          loaded_at;

  GtkStack       *stack;
  AdwStatusPage  *login_page;
  AdwStatusPage  *empty_page;
  AdwStatusPage  *error_page;
  GtkListView    *list_view;
};

G_DEFINE_FINAL_TYPE (FmTransferList, fm_transfer_list, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_sent (FmTransferList *self)
{
  return g_strcmp0 (self->kind, "sent") == 0;
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

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FmTransferList) self = user_data;
  g_autoptr(GError) error = NULL;
  FmClient *client = FM_CLIENT (source);
  g_autoptr(GListModel) list = is_sent (self) ? fm_client_sent_get_finish (client, result, &error)
                                              : fm_client_received_get_finish (client, result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL && fm_error_is_auth_expired (error))
    {
      fm_application_show_login (self->application, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
      gtk_stack_set_visible_child_name (self->stack, "login");
      return;
    }
  if (list == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (fm_error_human_message (error), -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (items, g_list_model_get_item (list, i));
  g_list_store_splice (self->transfers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->transfers)),
                       items->pdata, items->len);
  self->loaded_at = g_get_monotonic_time ();
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
}

void
fm_transfer_list_refresh (FmTransferList *self)
{
  FmClient *client;

  if (self->application == NULL)
    return;
  client = fm_application_get_client (self->application);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (fm_application_get_account_email (self->application) == NULL)
    {
      g_list_store_remove_all (self->transfers);
      gtk_stack_set_visible_child_name (self->stack, "login");
      return;
    }
  self->cancellable = g_cancellable_new ();
  if (g_list_model_get_n_items (G_LIST_MODEL (self->transfers)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  if (is_sent (self))
    fm_client_sent_get_async (client, FALSE, FALSE, self->cancellable, loaded_cb, g_object_ref (self));
  else
    fm_client_received_get_async (client, FALSE, 0, self->cancellable, loaded_cb, g_object_ref (self));
}

/* Shown or focused with data older than a minute: fetch again. */
static void
refresh_if_stale (FmTransferList *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (self->loaded_at == 0 || g_get_monotonic_time () - self->loaded_at > STALE_AFTER_US))
    fm_transfer_list_refresh (self);
}

static void
account_changed_cb (FmTransferList *self)
{
  self->loaded_at = 0;
  g_list_store_remove_all (self->transfers);
  if (fm_application_get_account_email (self->application) == NULL)
    gtk_stack_set_visible_child_name (self->stack, "login");
  else
    refresh_if_stale (self);
}

void
fm_transfer_list_set_application (FmTransferList *self,
                                  FmApplication  *application)
{
  self->application = application;
  g_signal_connect_object (application, "notify::account-email", G_CALLBACK (account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_status_page_set_description (self->login_page, is_sent (self)
    ? _("Log in to see the transfers you sent, how often they were downloaded, and when they expire.")
    : _("Log in to see the transfers sent to you."));
  adw_status_page_set_title (self->empty_page, is_sent (self) ? _("Nothing Sent Yet") : _("Nothing Received Yet"));
  account_changed_cb (self);
}

/* ------------------------------------------------------------- rows */

static char *
describe (FmTransferList *self,
          FmTransfer     *t)
{
  g_autoptr(GDateTime) sent = g_date_time_new_from_unix_local (fm_transfer_get_sent_date (t));
  g_autofree char *date = sent ? g_date_time_format (sent, "%x") : g_strdup ("");
  g_autofree char *size = g_format_size ((guint64) fm_transfer_get_size (t));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 left = fm_transfer_get_expire_date (t) - now;
  g_autofree char *expiry = fm_transfer_is_expired (t, now) ? g_strdup (_("expired"))
                          : left < 86400 ? g_strdup (_("expires today"))
                          : g_strdup_printf (g_dngettext (NULL, "expires in %d day", "expires in %d days",
                                                          (gulong) (left / 86400)), (int) (left / 86400));
  const char *who = is_sent (self) ? (fm_transfer_get_to (t)[0] ? fm_transfer_get_to (t)[0] : _("link only"))
                                   : (fm_transfer_get_from (t) ? fm_transfer_get_from (t) : "");

  if (is_sent (self))
    return g_strdup_printf (_("To %s · %s · %s · %s · downloaded %lld times"),
                            who, date, size, expiry, (long long) fm_transfer_get_downloads (t));
  return g_strdup_printf (_("From %s · %s · %s · %s"), who, date, size, expiry);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             FmTransferList           *self)
{
  FmTransfer *t = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *text = describe (self, t);
  const char *subject = fm_transfer_get_subject (t);

  gtk_label_set_label (GTK_LABEL (title), subject && *subject ? subject : _("No subject"));
  gtk_label_set_label (GTK_LABEL (subtitle), text);
  gtk_widget_set_opacity (box, fm_transfer_is_expired (t, g_get_real_time () / G_USEC_PER_SEC) ? 0.5 : 1.0);
}

/* ---------------------------------------------------------- GObject */

static void
fm_transfer_list_dispose (GObject *object)
{
  FmTransferList *self = FM_TRANSFER_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->transfers);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_TRANSFER_LIST);
  G_OBJECT_CLASS (fm_transfer_list_parent_class)->dispose (object);
}

static void
fm_transfer_list_finalize (GObject *object)
{
  g_free (FM_TRANSFER_LIST (object)->kind);
  G_OBJECT_CLASS (fm_transfer_list_parent_class)->finalize (object);
}

static void
fm_transfer_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_KIND: g_value_set_string (value, FM_TRANSFER_LIST (object)->kind); break;
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
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
login_clicked_cb (FmTransferList *self)
{
  fm_application_show_login (self->application, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-transfer-list.ui");
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, stack);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, login_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, error_page);
  gtk_widget_class_bind_template_child (widget_class, FmTransferList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, fm_transfer_list_refresh);
}

static void
fm_transfer_list_init (FmTransferList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->transfers = g_list_store_new (FM_TYPE_TRANSFER);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->transfers)))));
  g_signal_connect_swapped (self, "map", G_CALLBACK (refresh_if_stale), self);
}
