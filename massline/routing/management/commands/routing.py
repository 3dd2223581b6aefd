"""`massline routing backtest FILE --text COL[,COL] --label COL [--time COL] [--test-fraction 0.2] [--json]`
and `massline routing train [--target category|unit] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from ...backtest import category_backtest, table_lines
from ...choices import Target
from ...services import model_train


class Command(BaseCommand):
    help = (
        "Routing: `backtest FILE` trains on the oldest rows of a CSV (or CSV.gz) and tests on the newest, "
        "beside a plain TF-IDF + LinearSVC baseline; `train` trains new models on the demands in the "
        "database and makes them live if they are not worse on the newest demands."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bt = sub.add_parser("backtest", help="Backtest category prediction on a CSV file.")
        bt.add_argument("file")
        bt.add_argument(
            "--text", required=True, help="Text column(s), comma-separated, joined in this order."
        )
        bt.add_argument("--label", required=True, help="The column to predict (the category or unit).")
        bt.add_argument("--time", default=None, help="Time column: train on the oldest, test on the newest.")
        bt.add_argument("--test-fraction", type=float, default=0.2)
        bt.add_argument(
            "--strip-form-questions",
            action="store_true",
            help='Drop form questions before answers ("Type of vehicle: Bus | …" keeps "Bus | …").',
        )
        bt.add_argument("--json", action="store_true", help="Print one JSON object instead of the table.")
        bt.add_argument("--per-label", action="store_true", help="Include per-label figures in the JSON.")
        tr = sub.add_parser("train", help="Train the routing models on the history in the database.")
        tr.add_argument(
            "--target", choices=Target.values, default=None, help="Only this model (default: both)."
        )
        tr.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "backtest":
            return self._backtest(options)
        return self._train(options)

    def _backtest(self, options):
        text_columns = [c.strip() for c in options["text"].split(",") if c.strip()]
        if not text_columns:
            raise CommandError(_("--text needs at least one column name."))
        try:
            result = category_backtest(
                options["file"],
                text_columns=text_columns,
                label_column=options["label"].strip(),
                time_column=(options["time"] or "").strip() or None,
                test_fraction=options["test_fraction"],
                strip_questions=options["strip_form_questions"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["json"]:
            if not options["per_label"]:
                result = {k: v for k, v in result.items() if k != "per_label"}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for line in table_lines(result):
                self.stdout.write(line)

    def _train(self, options):
        targets = [options["target"]] if options["target"] else Target.values
        out, failed = [], []
        for target in targets:
            try:
                model = model_train(target=target)
            except DomainError as exc:
                failed.append(target)
                out.append({"target": target, "trained": False, "reason": str(exc.message)})
                continue
            out.append(
                {
                    "target": target,
                    "trained": True,
                    "version": model.version,
                    "status": model.status,
                    "macro_f1": model.macro_f1,
                    "top3_accuracy": model.top3_accuracy,
                    "n_train": model.n_train,
                    "n_holdout": model.n_holdout,
                    "fit_seconds": model.fit_seconds,
                    "note": model.note,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            for row in out:
                if row["trained"]:
                    self.stdout.write(
                        _(
                            "%(target)s model v%(version)s: %(status)s, held-back macro-F1 %(f1)s, "
                            "top-3 %(top3)s"
                        )
                        % {
                            "target": row["target"],
                            "version": row["version"],
                            "status": row["status"],
                            "f1": row["macro_f1"],
                            "top3": row["top3_accuracy"],
                        }
                    )
                else:
                    self.stdout.write(_("%(target)s model not trained: %(reason)s") % row)
        if len(failed) == len(targets):
            raise CommandError(_("No model was trained."))
