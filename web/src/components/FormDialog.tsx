import { Dialog, DialogPanel, DialogTitle } from '@headlessui/react';
import type { FormEvent, ReactNode } from 'react';
import { ProblemMessage } from './ProblemMessage';

/** What a form dialog needs of its mutation (TanStack Query's `useMutation` result fits). */
interface Submission {
  mutate: () => void;
  isPending: boolean;
  error: unknown;
}

/**
 * A modal form: title, fields, the server's problem when the submission fails, and the submit and
 * cancel buttons. Escape and the backdrop close it (Headless UI's Dialog keeps focus inside).
 */
export function FormDialog({
  open,
  onClose,
  title,
  submission,
  submitLabel,
  pendingLabel,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  submission: Submission;
  submitLabel: string;
  pendingLabel: string;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    submission.mutate();
  };
  return (
    <Dialog open={open} onClose={onClose} className="dialog">
      <div className="dialog-backdrop" aria-hidden="true" />
      <div className="dialog-frame">
        <DialogPanel as="form" className="card dialog-panel" onSubmit={submit}>
          <DialogTitle as="h2">{title}</DialogTitle>
          {children}
          {submission.error != null && <ProblemMessage error={submission.error} />}
          <div className="actions">
            <button type="submit" className="primary" disabled={submission.isPending}>
              {submission.isPending ? pendingLabel : submitLabel}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </DialogPanel>
      </div>
    </Dialog>
  );
}
