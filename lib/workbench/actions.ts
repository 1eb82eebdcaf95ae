"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { databaseNameInputSchema, deleteQuerySchema, saveQuerySchema, tableRefSchema } from "@/lib/workbench/schemas";
import { createDatabase, deleteDatabase, deleteTable } from "@/lib/warehouse/databases";
import { deleteSavedQuery, saveQuery } from "@/lib/workbench/queries";

export const saveQueryAction = defineAction(
  { schema: saveQuerySchema },
  async (input, user) => {
    const saved = await saveQuery(user, input);
    revalidatePath("/workbench/queries");
    return { id: saved.id, name: saved.name };
  },
  (input, saved) => ({ action: input.id ? "query.update" : "query.create", targetType: "query", targetId: String(saved.id), details: { name: saved.name } }),
);

export const deleteQueryAction = defineAction(
  { schema: deleteQuerySchema },
  async (input, user) => {
    const deleted = await deleteSavedQuery(user, input.id);
    revalidatePath("/workbench/queries");
    return { id: deleted.id, name: deleted.name };
  },
  (_input, deleted) => ({ action: "query.delete", targetType: "query", targetId: String(deleted.id), details: { name: deleted.name } }),
);

// Databases are shared by everyone in this deployment (one Treasure Data account): anyone may
// create one and import into it; deleting data is for admins.
export const createDatabaseAction = defineAction(
  { schema: databaseNameInputSchema },
  async (input) => {
    const created = await createDatabase(input.name);
    revalidatePath("/workbench/databases");
    return { name: created.name };
  },
  (input) => ({ action: "database.create", targetType: "database", targetId: input.name }),
);

export const deleteDatabaseAction = defineAction(
  { schema: databaseNameInputSchema, role: "admin" },
  async (input) => {
    const result = await deleteDatabase(input.name);
    revalidatePath("/workbench/databases");
    return { name: input.name, ...result };
  },
  (input, result) => ({ action: "database.delete", targetType: "database", targetId: input.name, details: { tablesDropped: result.tablesDropped } }),
);

export const deleteTableAction = defineAction(
  { schema: tableRefSchema, role: "admin" },
  async (input) => {
    await deleteTable(input.database, input.table);
    revalidatePath(`/workbench/databases/${input.database}`);
    return { name: input.table };
  },
  (input) => ({ action: "table.delete", targetType: "table", targetId: `${input.database}.${input.table}` }),
);
