/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-login-dialog.c: log in to a Filemail account
 *
 * Errors are the FM_ERROR sentences (wrong password, captcha, single
 * sign-on…) shown in the dialog, which stays open for another try. The
 * token goes to the keyring (or the 0600 fallback file) in a worker.
 */
#define G_LOG_DOMAIN "fm-login-dialog"

#include <glib/gi18n.h>

#include "fm-a11y.h"
#include "fm-entry-row.h"
#include "fm-error.h"
#include "fm-login-dialog.h"

struct _FmLoginDialog
{
  AdwWindow      parent_instance;

  FmSession     *session;
  GCancellable  *cancellable;
  char          *error;

  FmEntryRow   *email_row;
  FmEntryRow *password_row;
  GtkLabel      *error_label;
  GtkSpinner    *spinner;
  GtkWidget     *login_button;
};

G_DEFINE_FINAL_TYPE (FmLoginDialog, fm_login_dialog, ADW_TYPE_WINDOW)

static void
set_busy (FmLoginDialog *self,
          gboolean       busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  /* read-only, not insensitive, while the server answers: the focus
   * stays where the user is typing */
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy);
}

static void
show_error (FmLoginDialog *self,
            const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  set_busy (self, FALSE);
  /* after a failed try the rows come back: the password is what to fix */
  if (message != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

const char *
fm_login_dialog_get_error (FmLoginDialog *self)
{
  return self->error;
}

static void
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FmAccountStorage storage = FM_ACCOUNT_STORED_KEYRING;

  /* A login that is not kept only costs a login at the next start. */
  if (!fm_session_keep_login_finish (FM_SESSION (source), result, &storage, &error))
    g_message ("Cannot keep the login: %s", error->message);
  else if (storage == FM_ACCOUNT_STORED_FILE)
    g_message ("No keyring (Secret Service): the login is kept in a file only you can read");
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FmLoginDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fm_session_login_finish (FM_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *described = fm_error_describe (error);

          show_error (self, described);
        }
      return;
    }
  /* Logged in now; keeping the token may wait for a keyring prompt, which
   * must not keep the dialog open. */
  fm_session_keep_login_async (self->session, NULL, kept_cb, NULL);
  /* said where the user looks next: the window behind the dialog */
  if (gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Logged in as %s"), fm_session_get_account_email (self->session));

      gtk_widget_activate_action (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))), "win.toast", "s", text);
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

void
fm_login_dialog_submit (FmLoginDialog *self,
                        const char    *email,
                        const char    *password)
{
  if (email == NULL || *email == '\0' || password == NULL || *password == '\0')
    {
      show_error (self, _("Give your e-mail address and password."));
      gtk_widget_grab_focus (GTK_WIDGET (email == NULL || *email == '\0' ? GTK_WIDGET (self->email_row)
                                                                          : GTK_WIDGET (self->password_row)));
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  fm_session_login_async (self->session, email, password, self->cancellable, login_cb, g_object_ref (self));
}

static void
submit_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  FmLoginDialog *self = FM_LOGIN_DIALOG (widget);

  fm_login_dialog_submit (self, gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                          gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
}

/* The focus goes where typing goes once the dialog is on screen (set
 * earlier, GTK 4.8 gives the window the accessible role "filler"). */
static void
fm_login_dialog_map (GtkWidget *widget)
{
  FmLoginDialog *self = FM_LOGIN_DIALOG (widget);
  gboolean known = *gtk_editable_get_text (GTK_EDITABLE (self->email_row)) != '\0';

  GTK_WIDGET_CLASS (fm_login_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (known ? GTK_WIDGET (self->password_row) : GTK_WIDGET (self->email_row));
}

static void
fm_login_dialog_dispose (GObject *object)
{
  FmLoginDialog *self = FM_LOGIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_LOGIN_DIALOG);
  G_OBJECT_CLASS (fm_login_dialog_parent_class)->dispose (object);
}

static void
fm_login_dialog_finalize (GObject *object)
{
  FmLoginDialog *self = FM_LOGIN_DIALOG (object);

  g_free (self->error);
  G_OBJECT_CLASS (fm_login_dialog_parent_class)->finalize (object);
}

static void
fm_login_dialog_class_init (FmLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_login_dialog_dispose;
  object_class->finalize = fm_login_dialog_finalize;
  widget_class->map = fm_login_dialog_map;
  g_type_ensure (FM_TYPE_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FmLoginDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, FmLoginDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, FmLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FmLoginDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FmLoginDialog, login_button);
  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fm_login_dialog_init (FmLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fm_a11y_name_tree (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), self->login_button);
}

/* The address last logged in with is filled in (a login that expired
 * asks only for the password); the focus is where typing goes. */
FmLoginDialog *
fm_login_dialog_new (FmSession *session)
{
  FmLoginDialog *self = g_object_new (FM_TYPE_LOGIN_DIALOG, NULL);
  const char *last = fm_session_get_last_email (session);

  self->session = g_object_ref (session);
  if (last != NULL && *last != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), last);
  return self;
}
