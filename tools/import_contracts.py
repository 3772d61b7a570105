"""An import-linter contract type: feature packages use each other's public modules only.

    [[tool.importlinter.contracts]]
    type = "public_modules"
    packages = ["sdp.cases", "sdp.births", ...]    # the feature packages
    public_modules = ["services", "models"]        # public in every one of them
    also_public = ["sdp.auth.principal", ...]      # public besides, each for a reason

A module of one package may import from another only its package itself, a public module or
a module inside one. Everything else in a package is its own business: its pages, forms,
presenters and helpers can change without another feature noticing.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class PublicModulesContract(Contract):
    type_name = "public_modules"

    packages = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField())
    also_public = fields.ListField(subfield=fields.StringField(), required=False)

    def _package_of(self, module: str) -> str | None:
        for package in self.packages:
            if module == package or module.startswith(package + "."):
                return package
        return None

    def _is_public(self, module: str, package: str) -> bool:
        if module == package:
            return True
        public = [f"{package}.{name}" for name in self.public_modules]
        public += [name for name in self.also_public or () if name.startswith(package + ".")]
        return any(module == name or module.startswith(name + ".") for name in public)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        violations = []
        for importer in sorted(graph.modules):
            importer_package = self._package_of(importer)
            if importer_package is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                package = self._package_of(imported)
                if package in (None, importer_package) or self._is_public(imported, package):
                    continue
                lines = sorted(
                    detail["line_number"]
                    for detail in graph.get_import_details(importer=importer, imported=imported)
                )
                violations.append((importer, imported, lines))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["violations"]:
            where = ", ".join(f"l.{line}" for line in lines)
            output.print_error(f"{importer} -> {imported} ({where})", bold=False)
        output.new_line()
        output.print(
            "Import the other package's services or models (or a module its also_public lists),"
            " or move what you need there."
        )
