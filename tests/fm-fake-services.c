/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-services.c: a notification server and a session manager for
 * the test bus (see fm-fake-services.h) */
#include "fm-fake-services.h"

struct _FmFakeNotifications
{
  GMutex           lock;    /* the service runs in its own thread */
  GDBusConnection *bus;
  GPtrArray       *shown;   /* FmFakeNotification */
  guint32          next_id;
};

struct _FmFakeSessionManager
{
  GMutex           lock;
  GPtrArray       *inhibitors;   /* FmFakeInhibitor */
  guint32          next_cookie;
  guint            calls;
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
  /* entries never change once added (but for "closed"): the test thread
   * reads them without the lock; a replacement is a new entry */
  n = g_new0 (FmFakeNotification, 1);
  g_mutex_lock (&self->lock);
  if (replaces != 0 && lookup (self, replaces) != NULL)
    {
      lookup (self, replaces)->closed = TRUE;
      n->id = replaces;
    }
  else
    n->id = ++self->next_id;
  n->summary = g_strdup (summary);
  n->body = g_strdup (body);
  n->actions = g_strdupv ((char **) actions);
  g_ptr_array_add (self->shown, n);
  g_mutex_unlock (&self->lock);
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
      g_mutex_lock (&self->lock);
      if ((n = lookup (self, id)) != NULL)
        n->closed = TRUE;
      g_mutex_unlock (&self->lock);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "fake", "filemail-tests", "1", "1.2"));
}

typedef struct {
  const char                 *name;
  const char                 *path;
  const char                 *xml;
  const GDBusInterfaceVTable *vtable;
  gpointer                    data;
  GMutex                      lock;
  GCond                       cond;
  GDBusConnection            *bus;
  gboolean                    owned;
} Service;

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Service *service = user_data;

  g_mutex_lock (&service->lock);
  service->owned = TRUE;
  g_cond_signal (&service->cond);
  g_mutex_unlock (&service->lock);
}

/* GTK calls the session manager synchronously (RegisterClient, Inhibit):
 * a service answering from the test's own main loop would deadlock. Each
 * fake has its own thread, main context and connection. */
static gpointer
service_thread (gpointer data)
{
  Service *service = data;
  GMainContext *context = g_main_context_new ();
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (service->xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  g_main_context_push_thread_default (context);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  service->bus = g_dbus_connection_new_for_address_sync (address,
                                                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                         G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                         NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (service->bus, service->path, info->interfaces[0], service->vtable,
                                     service->data, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (service->bus, service->name, G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, NULL, service, NULL);
  for (;;)
    g_main_context_iteration (context, TRUE);
  return NULL;
}

/* Serves @xml's first interface at @path as @name from its own thread,
 * and returns the connection once the name is owned. */
static GDBusConnection *
own (const char                 *name,
     const char                 *path,
     const char                 *xml,
     const GDBusInterfaceVTable *vtable,
     gpointer                    data)
{
  Service *service = g_new0 (Service, 1);   /* the thread's for ever */
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  *service = (Service) { name, path, xml, vtable, data };
  g_mutex_init (&service->lock);
  g_cond_init (&service->cond);
  g_mutex_lock (&service->lock);
  g_thread_unref (g_thread_new (name, service_thread, service));
  while (!service->owned)
    g_assert_true (g_cond_wait_until (&service->cond, &service->lock, end));
  g_mutex_unlock (&service->lock);
  return service->bus;
}

/* Lives until the process ends. */
FmFakeNotifications *
fm_fake_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };
  FmFakeNotifications *self = g_new0 (FmFakeNotifications, 1);

  self->shown = g_ptr_array_new_with_free_func (notification_free);
  self->bus = own ("org.freedesktop.Notifications", "/org/freedesktop/Notifications", introspection,
                   &vtable, self);
  return self;
}

guint
fm_fake_notifications_get_n (FmFakeNotifications *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->shown->len;
}

const FmFakeNotification *
fm_fake_notifications_get (FmFakeNotifications *self,
                           guint                index)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return index < self->shown->len ? self->shown->pdata[index] : NULL;
}

/* The newest notification whose summary starts with @summary_prefix. */
const FmFakeNotification *
fm_fake_notifications_find (FmFakeNotifications *self,
                            const char          *summary_prefix)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

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

/* ------------------------------------------------- the session manager */

static const char sm_introspection[] =
  "<node><interface name='org.gnome.SessionManager'>"
  "<method name='Inhibit'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='u' direction='out'/></method>"
  "<method name='Uninhibit'><arg type='u' direction='in'/></method>"
  "<method name='IsInhibited'><arg type='u' direction='in'/><arg type='b' direction='out'/></method>"
  "<method name='RegisterClient'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='o' direction='out'/></method>"
  "<method name='Setenv'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";

static void
inhibitor_free (gpointer data)
{
  FmFakeInhibitor *i = data;

  g_free (i->app_id);
  g_free (i->reason);
  g_free (i);
}

static void
sm_method_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *interface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  FmFakeSessionManager *self = user_data;

  g_mutex_lock (&self->lock);
  self->calls++;
  g_mutex_unlock (&self->lock);
  if (g_str_equal (method, "Inhibit"))
    {
      FmFakeInhibitor *i = g_new0 (FmFakeInhibitor, 1);
      guint32 xid;

      g_variant_get (parameters, "(susu)", &i->app_id, &xid, &i->reason, &i->flags);
      g_mutex_lock (&self->lock);
      i->cookie = ++self->next_cookie;
      g_ptr_array_add (self->inhibitors, i);
      g_mutex_unlock (&self->lock);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", i->cookie));
    }
  else if (g_str_equal (method, "Uninhibit"))
    {
      guint32 cookie;

      g_variant_get (parameters, "(u)", &cookie);
      g_mutex_lock (&self->lock);
      for (guint k = 0; k < self->inhibitors->len; k++)
        {
          FmFakeInhibitor *i = self->inhibitors->pdata[k];

          if (i->cookie == cookie)
            i->released = TRUE;
        }
      g_mutex_unlock (&self->lock);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  /* GTK registers at startup, and forgets the session manager if refused */
  else if (g_str_equal (method, "RegisterClient"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", "/org/gnome/SessionManager/Client1"));
  else if (g_str_equal (method, "Setenv"))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(b)", fm_fake_session_manager_get_n_held (self) > 0));
}

FmFakeSessionManager *
fm_fake_session_manager_start (void)
{
  static const GDBusInterfaceVTable vtable = { sm_method_call, NULL, NULL, { 0 } };
  FmFakeSessionManager *self = g_new0 (FmFakeSessionManager, 1);

  self->inhibitors = g_ptr_array_new_with_free_func (inhibitor_free);
  own ("org.gnome.SessionManager", "/org/gnome/SessionManager", sm_introspection, &vtable, self);
  return self;
}

guint
fm_fake_session_manager_get_n_held (FmFakeSessionManager *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  guint n = 0;

  for (guint k = 0; k < self->inhibitors->len; k++)
    n += !((FmFakeInhibitor *) self->inhibitors->pdata[k])->released;
  return n;
}

/* The newest inhibition still held, or NULL. */
const FmFakeInhibitor *
fm_fake_session_manager_get_held (FmFakeSessionManager *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  for (guint k = self->inhibitors->len; k > 0; k--)
    if (!((FmFakeInhibitor *) self->inhibitors->pdata[k - 1])->released)
      return self->inhibitors->pdata[k - 1];
  return NULL;
}

guint
fm_fake_session_manager_get_n_calls (FmFakeSessionManager *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->calls;
}
