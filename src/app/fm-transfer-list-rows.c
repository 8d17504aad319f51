/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-list-rows.c: FmTransferList's rows: what each says (and
 * says to a screen reader), and transfer/get asked for the rows on screen
 * only (FmDetailsLoader) */
#define G_LOG_DOMAIN "fm-transfer-list"

#include <string.h>

#include <glib/gi18n.h>

#include "fm-error.h"
#include "fm-format.h"
#include "fm-transfer-list-private.h"

/* ------------------------------------------------------------- rows */

/* "expires in 7 days" for 6 days and 23 hours: whole days, rounded up */
static char *
expiry_text (FmTransfer *t)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 left = fm_transfer_get_expire_date (t) - now;

  if (fm_transfer_get_expire_date (t) <= 0)
    return NULL;   /* not known (a link not opened yet) */
  if (fm_transfer_is_expired (t, now) || left <= 0)
    return g_strdup (_("expired"));
  if (left < 86400)
    {
      int hours = (int) ((left + 3599) / 3600);

      return g_strdup_printf (g_dngettext (NULL, "expires in %d hour", "expires in %d hours", (gulong) hours), hours);
    }
  return g_strdup_printf (g_dngettext (NULL, "expires in %d day", "expires in %d days", (gulong) ((left + 86399) / 86400)),
                          (int) ((left + 86399) / 86400));
}

/* NULL when nobody knows: the API never says whom a transfer went to,
 * only this computer remembers it for what it sent. */
static char *
recipients_text (FmTransfer *t)
{
  g_autofree char *people = fm_format_recipients (fm_transfer_get_to (t));

  if (!fm_transfer_get_recipients_known (t))
    return NULL;
  return people != NULL ? g_strdup_printf (_("To %s"), people) : g_strdup (_("Link only"));
}

/* What transfer/get told: size and number of files; "" before it answers
 * (never a guessed "0 bytes"). */
static char *
contents_text (FmTransferList *self,
               FmTransfer     *t)
{
  const GError *error = self->details ? fm_details_loader_get_error (self->details, t) : NULL;
  guint n = fm_transfer_get_n_files (t);
  g_autofree char *size = NULL;

  if (g_error_matches (error, FM_ERROR, FM_ERROR_PASSWORD_REQUIRED))
    return g_strdup (_("protected by a password"));
  if (!fm_transfer_get_details_loaded (t))
    return NULL;
  size = fm_format_size (fm_transfer_get_size (t));
  if (size == NULL)
    return g_strdup_printf (g_dngettext (NULL, "%u file", "%u files", n), n);
  return g_strdup_printf (g_dngettext (NULL, "%s in %u file", "%s in %u files", n), size, n);
}

static void
add_part (GPtrArray  *parts,
          char       *text)
{
  if (text != NULL && *text != '\0')
    g_ptr_array_add (parts, text);
  else
    g_free (text);
}

/* One line of what is known, joined by " · ": the sender (Inbox, once
 * transfer/get said) or the recipients (Outbox, when sent from here), the
 * date, the contents, downloads, expiry. */
static char *
describe (FmTransferList *self,
          FmTransfer     *t)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  /* a link whose transfer never answered: only its address is known */
  if (fm_transfer_get_sent_date (t) <= 0 && fm_transfer_get_from (t) == NULL)
    return g_strdup (fm_transfer_get_url (t) != NULL ? fm_transfer_get_url (t) : "");

  if (_fm_transfer_list_is_sent (self))
    add_part (parts, recipients_text (t));
  else if (fm_transfer_get_from (t) != NULL && *fm_transfer_get_from (t) != '\0')
    add_part (parts, g_strdup_printf (_("From %s"), fm_transfer_get_from (t)));
  add_part (parts, fm_format_list_date (fm_transfer_get_sent_date (t), g_get_real_time () / G_USEC_PER_SEC));
  add_part (parts, contents_text (self, t));
  if (_fm_transfer_list_is_sent (self))
    {
      gint64 n = fm_transfer_get_downloads (t);

      /* an upload that never completed is listed too: say so */
      if (fm_transfer_get_status (t) != NULL && g_ascii_strcasecmp (fm_transfer_get_status (t), "STATUS_COMPLETE") != 0)
        {
          add_part (parts, g_strdup (_("not finished")));
          g_ptr_array_add (parts, NULL);
          return g_strjoinv (" · ", (char **) parts->pdata);
        }
      add_part (parts, g_strdup_printf (g_dngettext (NULL, "%lld download", "%lld downloads", (gulong) n),
                                        (long long) n));
    }
  add_part (parts, expiry_text (t));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

void
_fm_transfer_list_setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *preview = gtk_label_new (NULL);

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
  gtk_label_set_xalign (GTK_LABEL (preview), 0);
  gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (preview, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_box_append (GTK_BOX (box), preview);
  gtk_list_item_set_child (item, box);
}

/* The row a screen reader lands on is GTK's list item widget, our box's
 * parent: it says the row's summary ("Quarterly numbers, From alice@… ·
 * 12.4 MB in 2 files · …"), not nothing. */
static void
name_row (GtkWidget  *box,
          const char *subject,
          const char *described)
{
  GtkWidget *row = gtk_widget_get_parent (box);
  g_autofree char *name = g_strdup_printf ("%s, %s", subject, described);

  if (row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
update_row (GtkListItem    *item,
            FmTransferList *self)
{
  FmTransfer *t = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *preview = gtk_widget_get_next_sibling (subtitle);
  g_autofree char *described = describe (self, t);
  g_autofree char *text = fm_format_display_text (described);
  g_autofree char *named = fm_transfer_dup_title (t);
  /* a link never answered for: its id is all there is */
  g_autofree char *fallback = named == NULL && fm_transfer_get_sent_date (t) <= 0
                              ? g_strdup_printf (_("Transfer %s"), fm_transfer_get_id (t)) : NULL;
  g_autofree char *subject = fm_format_display_text (named != NULL ? named : fallback);
  /* the message's start, on one line */
  g_autofree char *message = fm_format_display_text (fm_transfer_get_message (t));

  gtk_label_set_label (GTK_LABEL (title), *subject ? subject : _("No subject"));
  gtk_label_set_label (GTK_LABEL (subtitle), text);
  gtk_label_set_label (GTK_LABEL (preview), g_strstrip (message));
  gtk_widget_set_visible (preview, *message != '\0');
  name_row (box, *subject ? subject : _("No subject"), text);
  gtk_widget_set_opacity (box, fm_transfer_is_expired (t, g_get_real_time () / G_USEC_PER_SEC) ? 0.5 : 1.0);
}

static void
transfer_changed_cb (GtkListItem *item)
{
  FmTransferList *self = g_object_get_data (G_OBJECT (item), "fm-list");

  if (self != NULL && gtk_list_item_get_item (item) != NULL)
    update_row (item, self);
}

/* GtkListView keeps about 200 rows bound, most of them off screen: only
 * those inside the viewport ask for details, looked at 100 ms after the
 * list last moved (a fast scroll asks for nothing on the way). */
static gboolean
row_is_on_screen (FmTransferList *self,
                  GtkListItem    *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  graphene_rect_t bounds;

  if (child == NULL || !gtk_widget_get_mapped (child) ||
      !gtk_widget_compute_bounds (child, GTK_WIDGET (self->list_view), &bounds))
    return FALSE;
  return bounds.size.height > 0 && bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (self->list_view));
}

static gboolean
check_visible_cb (gpointer data)
{
  FmTransferList *self = data;
  GHashTableIter iter;
  gpointer item;

  self->visible_id = 0;
  if (self->details == NULL)
    return G_SOURCE_REMOVE;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      FmTransfer *t = gtk_list_item_get_item (item);

      if (t == NULL)
        continue;
      if (row_is_on_screen (self, item))
        fm_details_loader_want (self->details, t);
      else
        fm_details_loader_unwant (self->details, t);
    }
  return G_SOURCE_REMOVE;
}

void
_fm_transfer_list_schedule_visible_check (FmTransferList *self)
{
  g_clear_handle_id (&self->visible_id, g_source_remove);
  self->visible_id = g_timeout_add (100, check_visible_cb, self);
}

/* A row shows its transfer, and shows it again when it changes: details
 * arriving, an edit, the recipients. */
void
_fm_transfer_list_bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             FmTransferList           *self)
{
  FmTransfer *t = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (item), "fm-list", self);
  g_signal_connect_swapped (t, "notify", G_CALLBACK (transfer_changed_cb), item);
  update_row (item, self);
  g_hash_table_add (self->bound, item);
  _fm_transfer_list_schedule_visible_check (self);
}

void
_fm_transfer_list_unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               FmTransferList           *self)
{
  FmTransfer *t = gtk_list_item_get_item (item);

  g_signal_handlers_disconnect_by_func (t, transfer_changed_cb, item);
  g_hash_table_remove (self->bound, item);
  if (self->details != NULL)
    fm_details_loader_unwant (self->details, t);
}

/* No look at the screen pending and no transfer/get under way. */
gboolean
fm_transfer_list_details_settled (FmTransferList *self)
{
  return self->visible_id == 0 && (self->details == NULL || fm_details_loader_is_idle (self->details));
}

/* For tests and benchmarks: the transfer/get calls the rows caused. */
FmDetailsLoader *
fm_transfer_list_get_details_loader (FmTransferList *self)
{
  return self->details;
}

