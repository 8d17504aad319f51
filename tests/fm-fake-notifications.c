/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-notifications.c: a notification server for the test bus */
#include "fm-fake-notifications.h"

struct _FmFakeNotifications
{
  GDBusConnection *bus;
  GPtrArray       *shown;   /* FmFakeNotification */
  guint32          next_id;
  gboolean         owned;
};

static const char introspection[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='Notify'><arg type='s'/><arg type='u'/><arg type='s'/><arg type='s'/><arg type='s'/>"
  "<arg type='as'/><arg type='a{sv}'/><arg type='i'/><arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "</interface></node>";

static void
notification_free (gpointer data)
{
  FmFakeNotification *n = data;

  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n);
}

static FmFakeNotification *
lookup (FmFakeNotifications *self,
        guint32              id)
{
  for (guint i = 0; i < self->shown->len; i++)
    {
      FmFakeNotification *n = self->shown->pdata[i];

      if (n->id == id)
        return n;
    }
  return NULL;
}

static void
notify (FmFakeNotifications   *self,
        GVariant              *parameters,
        GDBusMethodInvocation *invocation)
{
  const char *app, *icon, *summary, *body;
  guint32 replaces;
  g_autofree const char **actions = NULL;
  g_autoptr(GVariant) hints = NULL;
  gint32 timeout;
  FmFakeNotification *n;

  g_variant_get (parameters, "(&su&s&s&s^a&s@a{sv}i)", &app, &replaces, &icon, &summary, &body,
                 &actions, &hints, &timeout);
  n = replaces != 0 ? lookup (self, replaces) : NULL;
  if (n == NULL)
    {
      n = g_new0 (FmFakeNotification, 1);
      n->id = ++self->next_id;
      g_ptr_array_add (self->shown, n);
    }
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  n->summary = g_strdup (summary);
  n->body = g_strdup (body);
  n->actions = g_strdupv ((char **) actions);
  n->closed = FALSE;
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->id));
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *path,
             const char            *interface,
             const char            *method,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  FmFakeNotifications *self = user_data;

  if (g_str_equal (method, "Notify"))
    notify (self, parameters, invocation);
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", "persistence", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      guint32 id;
      FmFakeNotification *n;

      g_variant_get (parameters, "(u)", &id);
      if ((n = lookup (self, id)) != NULL)
        n->closed = TRUE;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "fake", "filemail-tests", "1", "1.2"));
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((FmFakeNotifications *) user_data)->owned = TRUE;
}

/* Owns the name on the session bus (the test's own) and returns once it
 * is owned; lives until the process ends. */
FmFakeNotifications *
fm_fake_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };
  FmFakeNotifications *self = g_new0 (FmFakeNotifications, 1);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, NULL);
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  self->shown = g_ptr_array_new_with_free_func (notification_free);
  self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (self->bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, self, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (self->bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, NULL, self, NULL);
  while (!self->owned)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
  return self;
}

guint
fm_fake_notifications_get_n (FmFakeNotifications *self)
{
  return self->shown->len;
}

const FmFakeNotification *
fm_fake_notifications_get (FmFakeNotifications *self,
                           guint                index)
{
  return index < self->shown->len ? self->shown->pdata[index] : NULL;
}

/* The newest notification whose summary starts with @summary_prefix. */
const FmFakeNotification *
fm_fake_notifications_find (FmFakeNotifications *self,
                            const char          *summary_prefix)
{
  for (guint i = self->shown->len; i > 0; i--)
    {
      FmFakeNotification *n = self->shown->pdata[i - 1];

      if (g_str_has_prefix (n->summary, summary_prefix))
        return n;
    }
  return NULL;
}

/* The key of the button labelled @label, or NULL. */
const char *
fm_fake_notification_find_action (const FmFakeNotification *notification,
                                  const char               *label)
{
  for (guint i = 0; notification->actions[i] != NULL && notification->actions[i + 1] != NULL; i += 2)
    if (g_str_equal (notification->actions[i + 1], label))
      return notification->actions[i];
  return NULL;
}

/* What the shell does when a button is pressed. */
void
fm_fake_notifications_invoke (FmFakeNotifications      *self,
                              const FmFakeNotification *notification,
                              const char               *action_key)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (self->bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", notification->id, action_key), &error);
  g_assert_no_error (error);
}
