/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-qr-dialog.c: "Show QR Code": a link to scan, written under it
 *
 * A phone across the desk takes the link without typing it: the code,
 * the link as selectable text, and Copy Link.
 */
#define G_LOG_DOMAIN "fm-qr-dialog"

#include <glib/gi18n.h>

#include "fm-qr-code.h"
#include "fm-qr-dialog.h"

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "url");

  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (!g_str_equal (response, "copy"))
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), url);
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", _("Link copied"));
}

AdwMessageDialog *
fm_qr_dialog_new (GtkWindow  *parent,
                  const char *url)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Scan to Download"), NULL));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *code = fm_qr_code_new (url);
  GtkWidget *link = gtk_label_new (url);
  g_autoptr(PangoAttrList) attrs = NULL;

  adw_message_dialog_set_body (dialog, _("Point a phone’s camera at the code to open the transfer’s link."));
  gtk_widget_set_size_request (code, 240, 240);
  gtk_widget_set_halign (code, GTK_ALIGN_CENTER);
  gtk_label_set_selectable (GTK_LABEL (link), TRUE);
  gtk_widget_set_focusable (link, FALSE);   /* not a Tab stop that selects it all */
  gtk_label_set_wrap (GTK_LABEL (link), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (link), PANGO_WRAP_CHAR);
  gtk_label_set_justify (GTK_LABEL (link), GTK_JUSTIFY_CENTER);
  /* a hyphen at a break would read as part of the link */
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (link), attrs);
  gtk_widget_add_css_class (link, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (link), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Link"), -1);
  gtk_box_append (GTK_BOX (box), code);
  gtk_box_append (GTK_BOX (box), link);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "close", _("_Close"), "copy", _("_Copy Link"), NULL);
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_object_set_data_full (G_OBJECT (dialog), "url", g_strdup (url), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  return dialog;
}
