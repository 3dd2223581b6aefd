"""Who may use each URL of the outbox (see massline/lib/access_policy.py): the dead-letter page and its
resend button are for administrators and dispatchers; other officials get 403, anonymous visitors the
login page."""

from massline.lib.access_policy import Rule

MANAGERS = frozenset({"dispatcher", "admin_user"})

RULES = {
    "outbox:dead_letters": Rule(MANAGERS),
    "outbox:resend": Rule(MANAGERS, method="POST", kwargs="dead_message"),
}


def samples(world):
    from django.utils import timezone

    from massline.outbox.choices import Channel, MessageStatus
    from massline.outbox.models import Message
    from massline.outbox.services import message_queue

    message = message_queue(
        channel=Channel.SMS, to="13812345678", text="您好", key="matrix:dead:sms", about="matrix"
    )
    # Every attempt failed: the state the worker leaves a message in (services/worker), set directly.
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.DEAD,
        attempts=8,
        dead_at=timezone.now(),
        last_error="SmsError: gateway answered HTTP 503",
    )
    return {"dead_message": {"pk": message.pk}}
