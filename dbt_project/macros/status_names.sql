{#- The status-name mapping the models read: the relation the var `status_names` names, as
    `project.seed_or_model` (default `ticketflow.ticketflow_status_names`, the seed). A project
    using this one as a package names its own seed or model there (README, "Use as a dbt
    package"); naming the project keeps dbt from resolving a package's ref to the root project
    implicitly, which dbt deprecates. -#}
{% macro status_names_relation() -%}
    {%- set name = var('status_names') | string | trim -%}
    {%- set parts = name.split('.') -%}
    {%- if parts | length != 2 or not parts[0] or not parts[1] -%}
        {{ exceptions.raise_compiler_error(
            "var status_names: expected 'project.seed_or_model', got '" ~ name ~ "'"
        ) }}
    {%- endif -%}
    {{ return(ref(parts[0], parts[1])) }}
{%- endmacro %}
