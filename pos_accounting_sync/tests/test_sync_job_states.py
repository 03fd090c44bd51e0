"""The sync job's one state machine: each state is reached through a named
transition, from the states it allows; anything else is refused whole."""

from accounting_connectors.documents import Customer

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.accounting_sync_job import RETRYABLE, STATES, TRANSITIONS
from .common import AccountingSyncCase, TagDocumentsMixin


@tagged("post_install", "-at_install")
class TestSyncJobStates(TagDocumentsMixin, AccountingSyncCase):
    def job(self, reference):
        return self.enqueue(Customer(reference=reference, name=reference))

    def test_the_machine_names_every_state(self):
        self.assertEqual(set(TRANSITIONS), {state for state, _label in STATES})
        self.assertFalse([s for sources in TRANSITIONS.values() for s in sources if s not in TRANSITIONS])
        # done is final; only a waiting job is claimed; a retry never sends what is done or running
        self.assertFalse([state for state, sources in TRANSITIONS.items() if "done" in sources])
        self.assertEqual(TRANSITIONS["running"], ("pending",))
        self.assertFalse({"done", "running"} & set(RETRYABLE))
        self.assertLessEqual(set(RETRYABLE), set(TRANSITIONS["pending"]))

    def test_a_document_goes_out_through_the_transitions(self):
        job = self.job("C-STATE-1")
        self.assertEqual(job.state, "pending")
        self.assertEqual(self.run_worker(), 1)
        self.assertEqual(job.state, "done")
        self.assertEqual(job.attempt_ids.mapped("event"), ["done"])

    def test_retry_does_not_send_a_done_document_again(self):
        job = self.job("C-STATE-2")
        self.run_worker()
        self.assertEqual(job.state, "done")
        with self.assertRaises(UserError):
            job.action_retry()
        with self.assertRaises(ValueError):
            job._set_pending({"attempts": 0})
        self.assertEqual((job.state, job.remote_id and True), ("done", True))

    def test_a_cancelled_document_is_never_run(self):
        job = self.job("C-STATE-3")
        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        with self.assertRaises(ValueError):
            job._set_running({"attempts": job.attempts + 1})
        with self.assertRaises(ValueError):
            job._set_done({"remote_id": "X"})
        self.assertEqual(self.run_worker(), 0, "the worker claims no cancelled document")
        self.assertEqual(job.state, "cancelled")
        # queued again first, it goes out
        job.action_retry()
        self.assertEqual(job.state, "pending")
        self.run_worker()
        self.assertEqual(job.state, "done")

    def test_an_illegal_transition_is_refused_whole(self):
        jobs = self.job("C-STATE-4") | self.job("C-STATE-5")
        self.run_worker(limit=1)
        done = jobs.filtered(lambda j: j.state == "done")
        waiting = jobs - done
        self.assertEqual((len(done), waiting.state), (1, "pending"))
        with self.assertRaises(ValueError):
            (waiting | done)._set_cancelled()
        self.assertEqual((waiting.state, done.state), ("pending", "done"))
        with self.assertRaises(ValueError):
            waiting._set_done()
        # legal: a waiting document is cancelled, and no state is written by hand
        waiting._set_cancelled()
        self.assertEqual(waiting.state, "cancelled")

    def test_an_adopted_document_is_done_once_saying_why(self):
        doc = Customer(reference="C-STATE-6", name="C-STATE-6")
        self.connection._get_client().post(doc)  # e.g. sent by a worker whose log was lost
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        # one outcome: the look-up's, which says why nothing was posted
        self.assertEqual(job.attempt_ids.mapped("event"), ["done"])
        self.assertEqual(job.error_code, "job.adopted")
